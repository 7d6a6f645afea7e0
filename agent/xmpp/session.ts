/* The agent's XMPP session: the shared Node client session (shared/xmpp/client.ts: one IqCaller
 * whose pending requests fail at once when the link drops, so the outbox retries without waiting
 * for timeouts) with resource `agent`, plus presence.
 * A refused first login rejects start() with the AuthError (no retry: the same password would be
 * refused again), naming where the password came from.
 * References: RFC 6121 §4.2 (initial presence) and §4.6 (directed presence), RFC 6120 §6.5.10,
 * docs/design.md §2 (a running agent uses the resource `agent`). */
import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import { AGENT_RESOURCE } from "../../shared/jid";
import type { Logger } from "../../shared/log";
import { AuthError, type ClientConnection, createClient } from "../../shared/xmpp/client";
import type { AgentConfig } from "../config";

export { DisconnectedError } from "../../shared/xmpp/client";

export interface AgentSession {
  readonly connection: ClientConnection;
  /** IQ get/set with a timeout; fails at once with DisconnectedError when the link drops. */
  request(iq: Element, timeoutMs?: number): Promise<Element>;
  send(stanza: Element): Promise<void>;
  readonly online: boolean;
  /** Available presence (broadcast) and directed presence to the hub. */
  sendPresence(hub: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** `password`: the account's, from the configuration or the first boot's registration (account.ts). */
export function createSession(config: AgentConfig, password: string, log: Logger): AgentSession {
  const connection = createClient({
    config: {
      service: config.xmpp.service,
      domain: config.xmpp.domain,
      username: config.xmpp.username ?? config.device.id,
      password,
      resource: AGENT_RESOURCE,
      allowPlaintext: config.xmpp.allowPlaintext,
    },
    log: log.child({ module: "xmpp" }),
    backoff: config.xmpp.reconnect,
    requestTimeoutMs: config.xmpp.requestTimeoutMs,
  });
  const { send } = connection;
  return {
    connection,
    request: connection.request,
    send,
    get online() {
      return connection.online;
    },
    async sendPresence(hub) {
      await send(xml("presence"));
      await send(xml("presence", { to: hub }));
    },
    async start() {
      try {
        await connection.start();
      } catch (error) {
        throw error instanceof AuthError ? withPasswordSource(error, config) : error;
      }
    },
    async stop() {
      if (connection.online) {
        // Why ignored: an unavailable presence on the way out is a courtesy; the server sends one anyway.
        await send(xml("presence", { type: "unavailable" })).catch(() => undefined);
      }
      await connection.stop();
    },
  };
}

/** The password is xmpp.password, or the one the first boot registered (agent/account.ts). */
function withPasswordSource(error: AuthError, config: AgentConfig): AuthError {
  const source =
    config.xmpp.password !== undefined
      ? "check xmpp.password"
      : `the password is the one registered at first boot, in ${join(config.state.dir, "account.json")}`;
  return new AuthError(error.account, error.condition, `${error.message}: ${source}`);
}
