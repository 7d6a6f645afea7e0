/* The agent's XMPP session: one hardened @xmpp/client (shared/xmpp/client.ts) with resource
 * `agent`, its own IQ caller whose pending requests fail at once when the link drops (so the
 * outbox retries without waiting for timeouts), and presence.
 * References: RFC 6120 §8.2.3 (one answer per IQ), RFC 6121 §4.2 (initial presence) and §4.6
 * (directed presence), docs/design.md §2 (a running agent uses the resource `agent`). */
import xml, { type Element } from "@xmpp/xml";
import { AGENT_RESOURCE } from "../../shared/jid";
import type { Logger } from "../../shared/log";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import { IqCaller } from "../../shared/xmpp/iq-caller";
import type { AgentConfig } from "../config";

export class DisconnectedError extends Error {
  override readonly name = "DisconnectedError";
  constructor() {
    super("the connection to the server was lost");
  }
}

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
  });
  const send = async (stanza: Element) => {
    if (!connection.link.online) throw new DisconnectedError();
    await connection.send(stanza);
  };
  const caller = new IqCaller(send);
  connection.xmpp.on("stanza", (stanza) => caller.handle(stanza));
  connection.link.on("offline", () => caller.rejectAll(new DisconnectedError()));
  return {
    connection,
    request: (iq, timeoutMs = config.xmpp.requestTimeoutMs) => caller.request(iq, timeoutMs),
    send,
    get online() {
      return connection.link.online;
    },
    async sendPresence(hub) {
      await send(xml("presence"));
      await send(xml("presence", { to: hub }));
    },
    start: () => connection.start(),
    async stop() {
      if (connection.link.online) {
        // Why ignored: an unavailable presence on the way out is a courtesy; the server sends one anyway.
        await send(xml("presence", { type: "unavailable" })).catch(() => undefined);
      }
      await connection.stop();
      caller.rejectAll(new DisconnectedError());
    },
  };
}
