/* Liveness of the link: a XEP-0199 ping to the server every interval while online; no answer in
 * time tears the socket down so the link reconnects (a stalled TCP connection, e.g. a NAT that
 * forgot it, would otherwise wait for the kernel's retransmission timeout, many minutes).
 * References: XEP-0199 §4.2 (client-to-server ping), docs/design.md §4 (liveness needs pings). */
import xml from "@xmpp/xml";
import type { Logger } from "../../shared/log";
import { IqTimeoutError } from "../../shared/xmpp/iq-caller";
import { NS_PING } from "../../shared/xmpp/ns";
import type { AgentSession } from "./session";

export interface KeepaliveOptions {
  session: AgentSession;
  domain: string;
  intervalMs: number;
  timeoutMs: number;
  log: Logger;
}

export class Keepalive {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: KeepaliveOptions) {}

  start(): void {
    this.stop();
    this.#timer = setInterval(() => void this.#ping(), this.o.intervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #ping(): Promise<void> {
    const { session, domain, timeoutMs, log } = this.o;
    if (!session.online) return;
    try {
      await session.request(
        xml("iq", { type: "get", to: domain }, xml("ping", { xmlns: NS_PING })),
        timeoutMs,
      );
    } catch (error) {
      // An error reply is an answer: the link is alive. Only silence (a timeout) is not.
      if (!(error instanceof IqTimeoutError)) return;
      log.warn({ timeoutMs }, "server did not answer a ping; reconnecting");
      // The link's disconnect handling then reconnects with its backoff.
      session.connection.link.drop();
    }
  }
}
