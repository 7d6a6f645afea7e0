/* The one client session of xiot: an @xmpp/client 0.14 entity, kept connected by Link, logging
 * in with our SCRAM-SHA-1 (sasl.ts), asking with the one IqCaller; the transport comes in from
 * outside: TCP for Node (transport-tcp.ts, through client.ts) or WebSocket for the browser
 * dashboard (transport-websocket.ts). No node: imports: the dashboard bundles this file.
 * References: RFC 6120 §5 (STARTTLS), §6 (SASL), §7 (resource binding), §8.2.3 (one answer per
 * IQ); RFC 7395 (XMPP over WebSocket); XEP-0388 §2.1 (user-agent); RFC 5802 (SCRAM).
 * - no authentication without TLS unless the server is on loopback or allowPlaintext is set, and
 *   never PLAIN in the clear;
 * - reconnect with jittered backoff (link.ts) instead of the library's fixed one-second loop;
 * - a refused first login is final: start() rejects with an AuthError in words (RFC 6120 §6.5);
 * - pending IQs fail at once with DisconnectedError when the link drops. */
import { type Client, xml, client as xmppClient } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { Logger } from "../log";
import type { BackoffOptions } from "./backoff";
import { IqCaller } from "./iq-caller";
import { AuthError, Link, type LinkEntity } from "./link";
import { chooseMechanism, useScram } from "./sasl";
import type { ScramPrimitives } from "./scram";

export interface ClientConfig {
  /** xmpp://host:port (STARTTLS when offered), xmpps://host:port or ws(s)://…/xmpp-websocket. */
  service: string;
  domain: string;
  username: string;
  password: string;
  resource?: string;
  /** Authenticate without TLS to a server that is not on loopback (default false). */
  allowPlaintext?: boolean;
}

/** What differs between a Node client over TCP and the browser's over WebSocket. */
export interface Transport {
  /** SCRAM-SHA-1's crypto on this platform. */
  readonly scram: ScramPrimitives;
  /** True when the service is on this machine: authenticating there without TLS is fine. */
  isLoopback(service: string): boolean;
  /** Fixes applied once to a new entity, before it first connects (harden.ts). */
  prepare(entity: Client): void;
}

export interface ClientConnection {
  readonly xmpp: Client;
  readonly link: Link;
  /** The one IQ caller; request() is it, guarded. Direct use is for the open stream before SASL. */
  readonly iq: IqCaller;
  readonly online: boolean;
  /** The bound full JID once online. */
  jid(): string;
  /** Sends on the open session; rejects with DisconnectedError while offline. */
  send(stanza: Element): Promise<void>;
  /** Sends an IQ and resolves with the result stanza; rejects with a StanzaError, an
   * IqTimeoutError, or a DisconnectedError at once when the link drops. */
  request(iq: Element, timeoutMs?: number): Promise<Element>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SessionDeps {
  config: ClientConfig;
  transport: Transport;
  log: Pick<Logger, "info" | "warn">;
  /** Runs on the open (and, where offered, encrypted) stream before SASL: e.g. XEP-0077. */
  beforeAuthenticate?: (xmpp: Client) => Promise<void>;
  backoff?: BackoffOptions;
  stableMs?: number;
  /** Default timeout of request() (10 s). */
  requestTimeoutMs?: number;
  /** Refuse servers that do not offer SCRAM-SHA-1 (the dashboard). */
  scramOnly?: boolean;
  /** The XEP-0388 user agent's software name, if it is to be told. */
  software?: string;
}

export { AuthError };

export class DisconnectedError extends Error {
  override readonly name = "DisconnectedError";
  constructor() {
    super("the connection to the server was lost");
  }
}

export function createSession(deps: SessionDeps): ClientConnection {
  const { config, log, backoff, stableMs, requestTimeoutMs = 10_000 } = deps;
  const xmpp = createEntity(deps);
  const account = `${config.username}@${config.domain}`;
  const link = new Link({
    entity: xmpp as unknown as LinkEntity,
    log,
    label: `client ${account}`,
    account,
    backoff,
    stableMs,
    explain: (error) => explainSaslError(error, account),
  });
  const send = async (stanza: Element) => {
    if (!link.online) throw new DisconnectedError();
    await xmpp.send(stanza);
  };
  // Unguarded: before SASL (XEP-0077 in beforeAuthenticate) the stream is open but not online.
  const iq = new IqCaller((stanza) => xmpp.send(stanza));
  xmpp.on("stanza", (stanza) => iq.handle(stanza));
  link.on("offline", () => iq.rejectAll(new DisconnectedError()));
  return {
    xmpp,
    link,
    iq,
    get online() {
      return link.online;
    },
    jid: () => xmpp.jid?.toString() ?? "",
    send,
    request: (stanza, timeoutMs = requestTimeoutMs) =>
      link.online ? iq.request(stanza, timeoutMs) : Promise.reject(new DisconnectedError()),
    start: () => link.start(),
    async stop() {
      await link.stop();
      iq.rejectAll(new DisconnectedError());
    },
  };
}

/** RFC 6120 §6.5 in words. Prosody answers not-authorized (§6.5.10) both for a wrong password and
 * for an account that does not exist, so the words name both. */
export function explainSaslError(error: Error, account: string): string | undefined {
  if (error.name !== "SASLError") return undefined;
  const condition = (error as Error & { condition?: string }).condition;
  if (condition === "not-authorized") return `wrong password (or no such account) for ${account}`;
  if (condition === "account-disabled") return `the account ${account} is disabled`; // §6.5.1
  if (condition === "credentials-expired") return `the password of ${account} has expired`; // §6.5.2
  return undefined;
}

/** The @xmpp/client entity: our SASL policy and SCRAM, the transport's fixes, no own reconnect. */
function createEntity({ config, transport, beforeAuthenticate, scramOnly, software }: SessionDeps): Client {
  const plaintextOk = config.allowPlaintext === true || transport.isLoopback(config.service);
  const userAgent = xml(
    "user-agent",
    { id: globalThis.crypto.randomUUID() },
    ...(software ? [xml("software", {}, software)] : []),
  );
  const xmpp = xmppClient({
    service: config.service,
    domain: config.domain,
    resource: config.resource,
    credentials: async (authenticate, mechanisms, _fast, entity) => {
      const secure = entity.isSecure();
      if (!secure && !plaintextOk) {
        throw new Error(
          `refusing to authenticate to ${config.service} without TLS (set xmpp.allowPlaintext to allow it)`,
        );
      }
      const mechanism = chooseMechanism(mechanisms, secure, scramOnly);
      await beforeAuthenticate?.(entity);
      await authenticate({ username: config.username, password: config.password }, mechanism, userAgent);
    },
  });
  // Link reconnects with backoff; the library's loop retries every second forever (docs/design.md §4).
  xmpp.reconnect.stop();
  useScram(xmpp, transport.scram);
  transport.prepare(xmpp);
  return xmpp;
}

/**
 * Starts `connection` and resolves once online; rejects, stopped, at the first failed attempt
 * (a command-line tool reports and exits instead of retrying like an agent). A refused login
 * rejects with the link's AuthError as it is ("wrong password (or no such account) for …").
 */
export async function startOnce(connection: ClientConnection, who: string): Promise<void> {
  let onRetry: (retry: { reason: string }) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    onRetry = ({ reason }) => reject(new Error(`cannot log in as ${who}: ${reason}`));
    connection.link.once("retry", onRetry);
  });
  try {
    await Promise.race([connection.start(), failed]);
  } catch (error) {
    await connection.stop();
    throw error;
  } finally {
    // Later retries belong to a session that was online: they must not reject this one's start.
    connection.link.off("retry", onRetry);
  }
}
