/* Fixes for measured faults of @xmpp/connection (docs/design.md §4), applied to one entity (a
 * component, or a client session over TCP or WebSocket: transport-*.ts) before it connects:
 * - TCP_NODELAY on every new socket (Nagle + delayed ACK cost ~43 ms per round trip);
 * - a peer's malformed XML (e.g. `&#0;`, which ltx throws on inside the socket's data handler
 *   and so kills Node) becomes a parser error: the library then sends a bad-format stream error
 *   and disconnects, and our reconnect loop takes over (RFC 6120 §4.9.3.1);
 * - XEP-0198 stream management is not offered to the library: 0.14 does not count IQ results and
 *   can send a stale `h`, so we never enable it; delivery is made reliable by outboxes and
 *   idempotent item ids instead (docs/design.md §4). */

import type { Socket } from "node:net";
import type { Element } from "@xmpp/xml";
import { NS_SM, NS_STREAMS } from "./ns";

/** The parts of an @xmpp/connection entity (0.13 and 0.14) that hardening touches. */
export interface HardenableEntity {
  socket: (Socket & { socket?: Socket }) | null;
  parser: { emit(event: "error", error: Error): boolean } | null;
  on(event: "connect", listener: () => void): unknown;
  _onData(data: Buffer | string): void;
  _onElement(element: Element): void;
}

export function harden(entity: HardenableEntity): void {
  entity.on("connect", () => {
    const socket = entity.socket;
    // A TLS socket wraps the TCP one; both kinds have setNoDelay (a WebSocket has none: no-op).
    socket?.setNoDelay?.(true);
  });

  const onData = entity._onData.bind(entity);
  entity._onData = (data) => {
    try {
      onData(data);
    } catch (error) {
      const parser = entity.parser;
      const reason = error instanceof Error ? error : new Error(String(error));
      if (parser) parser.emit("error", reason);
    }
  };

  const onElement = entity._onElement.bind(entity);
  entity._onElement = (element) => {
    if (element.is("features", NS_STREAMS)) {
      element.children = element.children.filter(
        (child) => typeof child === "string" || !child.is("sm", NS_SM),
      );
    }
    onElement(element);
  };
}
