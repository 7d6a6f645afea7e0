/* The agent's XMPP session: the shared Node client session (shared/xmpp/client.ts: one IqCaller
 * whose pending requests fail at once when the link drops, so the outbox retries without waiting
 * for timeouts) with resource `agent`, plus presence.
 * References: RFC 6121 §4.2 (initial presence) and §4.6 (directed presence), docs/design.md §2
 * (a running agent uses the resource `agent`). */
import xml, { type Element } from "@xmpp/xml";
import { AGENT_RESOURCE } from "../../shared/jid";
import type { Logger } from "../../shared/log";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
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
    start: () => connection.start(),
    async stop() {
      if (connection.online) {
        // Why ignored: an unavailable presence on the way out is a courtesy; the server sends one anyway.
        await send(xml("presence", { type: "unavailable" })).catch(() => undefined);
      }
      await connection.stop();
    },
  };
}
