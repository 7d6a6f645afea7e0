/* XEP-0077 In-Band Registration from a client, optionally with an XEP-0401 pre-authentication
 * token (Prosody's mod_invites). @xmpp/client has no registration plugin, so the IQs are sent on
 * the open stream just before SASL, after STARTTLS where the server offers it.
 * References: XEP-0077 §3.1 (register), §3.2 (conflict, not-acceptable), XEP-0401 §5 (preauth). */

import xml, { type Element } from "@xmpp/xml";
import type { Logger } from "../log";
import { type ClientConfig, type ClientConnection, createClient } from "./client";
import { IqTimeoutError } from "./iq-caller";
import { NS_PARS, NS_REGISTER } from "./ns";
import { StanzaError } from "./stanza-error";

export class RegistrationError extends Error {
  constructor(
    readonly condition: string,
    message: string,
  ) {
    super(message);
    this.name = "RegistrationError";
  }
}

export interface RegisterOptions {
  config: ClientConfig;
  log: Logger;
  /** A pre-authentication (invite) token, for servers where registration is invite-only. */
  token?: string;
  timeoutMs?: number;
}

/** Creates the account and checks it by logging in once. Rejects with RegistrationError. */
export async function registerAccount({
  config,
  log,
  token,
  timeoutMs = 10_000,
}: RegisterOptions): Promise<void> {
  let failure: Error | undefined;
  const connection = createClient({
    config,
    log,
    beforeAuthenticate: async () => {
      try {
        if (token) await exchange(connection, xml("preauth", { xmlns: NS_PARS, token }), timeoutMs);
        const query = xml(
          "query",
          { xmlns: NS_REGISTER },
          xml("username", {}, config.username),
          xml("password", {}, config.password),
        );
        await exchange(connection, query, timeoutMs);
      } catch (error) {
        failure = explain(error, config);
        throw failure;
      }
    },
  });
  const { xmpp } = connection;
  xmpp.on("error", (error) => {
    failure ??= error;
  });
  try {
    await xmpp.start();
  } catch (error) {
    throw failure ?? error;
  } finally {
    await xmpp.stop().catch(() => {
      // Already closed by the server or by the failure: nothing left to release.
    });
  }
}

/** Sends one IQ set on the pre-auth stream through the session's IQ caller. */
async function exchange(connection: ClientConnection, payload: Element, timeoutMs: number): Promise<void> {
  try {
    await connection.iq.request(xml("iq", { type: "set" }, payload), timeoutMs);
  } catch (error) {
    if (!(error instanceof IqTimeoutError)) throw error;
    throw new RegistrationError("remote-server-timeout", `no answer to registration within ${timeoutMs} ms`);
  }
}

function explain(error: unknown, config: ClientConfig): Error {
  if (!(error instanceof StanzaError)) return error as Error;
  const who = `${config.username}@${config.domain}`;
  const messages: Record<string, string> = {
    conflict: `the account ${who} already exists`,
    "not-acceptable": `the server does not accept ${who} or its password${error.text ? `: ${error.text}` : ""}`,
    "not-allowed": `the server does not allow registration${error.text ? `: ${error.text}` : ""}`,
    forbidden: `registration refused${error.text ? `: ${error.text}` : ""}`,
  };
  return new RegistrationError(
    error.condition,
    messages[error.condition] ?? `registration failed: ${error.message}`,
  );
}
