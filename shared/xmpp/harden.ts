/* Fixes for measured faults of @xmpp/connection and its ltx parser (docs/design.md §4), applied to
 * one entity (a component, or a client session over TCP or WebSocket: transport-*.ts) before it
 * connects:
 * - TCP_NODELAY on every new socket (Nagle + delayed ACK cost ~43 ms per round trip);
 * - every byte the peer sends passes a restricted-XML guard before ltx sees it. ltx skips
 *   `<!DOCTYPE …>` up to a `-->` that never comes (the stream goes deaf while the entity still
 *   says online), drops comments and processing instructions, keeps the last of two equal
 *   attributes, turns invalid UTF-8 into U+FFFD (and splits a character cut between two TCP
 *   reads) and throws on `&#0;` inside the socket's data handler (which kills Node). Each of
 *   these is now a stream error with its specific condition, the stream is closed and the
 *   socket destroyed if the peer does not close it, and Link reconnects (RFC 6120 §4.9.1.1);
 * - XEP-0198 stream management is not offered to the library: 0.14 does not count IQ results and
 *   can send a stale `h`, so we never enable it; delivery is made reliable by outboxes and
 *   idempotent item ids instead (docs/design.md §4).
 * References: RFC 6120 §11.1 (restricted XML: no comments, PIs, DTDs, entity references other
 * than the predefined), §11.5 (the XML declaration), §11.6 (UTF-8 only), §4.9.3.12
 * (not-well-formed), §4.9.3.18 (restricted-xml), §4.9.3.22 (unsupported-encoding); XML 1.0 §2.2
 * (Char), §3.1 (WFC: Unique Att Spec), §4.6 (predefined entities). No node: imports at run time:
 * the dashboard bundles this file. */

import type { Socket } from "node:net";
import type { Element } from "@xmpp/xml";
import { NS_SM, NS_STREAMS } from "./ns";
import { type StreamCondition, StreamViolation, XmlGuard } from "./restricted-xml";

export { type StreamCondition, StreamViolation, XmlGuard };

/** The parts of an @xmpp/connection entity (0.13 and 0.14) that hardening touches. */
export interface HardenableEntity {
  socket: (Socket & { socket?: Socket }) | null;
  parser: object | null;
  on(event: "connect", listener: () => void): unknown;
  emit(event: "error", error: Error): boolean;
  _onData(data: Buffer | string): void;
  _onElement(element: Element): void;
  _attachParser(parser: object): void;
  _detachParser(): void;
  /** Sends `<stream:error><condition/></stream:error>`, closes the stream and the socket. */
  _streamError(condition: string): Promise<unknown>;
}

/** How long a peer has to close the TCP connection after our stream error. */
const CLOSE_GRACE_MS = 2_000;

export function harden(entity: HardenableEntity): void {
  const guard = new XmlGuard();
  let decoder = new TextDecoder("utf-8", { fatal: true });
  let refused = false;

  entity.on("connect", () => {
    const socket = entity.socket;
    // A TLS socket wraps the TCP one; both kinds have setNoDelay (a WebSocket has none: no-op).
    socket?.setNoDelay?.(true);
    decoder = new TextDecoder("utf-8", { fatal: true });
    refused = false;
  });

  const attachParser = entity._attachParser.bind(entity);
  entity._attachParser = (parser) => {
    guard.restart();
    attachParser(parser);
  };

  /** RFC 6120 §4.9.1.1: send the stream error, close the stream, then the TCP connection. */
  function refuse(condition: StreamCondition, reason: string): void {
    refused = true;
    const socket = entity.socket as { destroy?(): void; end?(): void; once?: Socket["once"] } | null;
    // Why ignored: _streamError never rejects (it swallows its own failures); the timer below
    // destroys the socket whatever happened to the close handshake.
    entity._streamError(condition).catch(() => undefined);
    entity._detachParser();
    entity.emit("error", new StreamViolation(condition, reason));
    const timer = setTimeout(() => (socket?.destroy ? socket.destroy() : socket?.end?.()), CLOSE_GRACE_MS);
    (timer as { unref?(): void }).unref?.();
    socket?.once?.("close", () => clearTimeout(timer));
  }

  const onData = entity._onData.bind(entity);
  entity._onData = (data) => {
    if (refused || !entity.parser) return; // the stream is closing: nothing more is read
    let text: string;
    try {
      // WebSocket messages arrive decoded; TCP bytes are decoded across reads (§11.6).
      text = typeof data === "string" ? data : decoder.decode(data, { stream: true });
    } catch {
      return refuse("unsupported-encoding", "bytes that are not UTF-8");
    }
    const violation = guard.scan(text);
    const accepted = violation ? text.slice(0, violation.offset) : text;
    try {
      if (accepted !== "") onData(accepted);
    } catch (error) {
      // ltx throws from inside the socket's data handler (e.g. on an illegal character).
      return refuse("not-well-formed", error instanceof Error ? error.message : String(error));
    }
    if (violation && !refused && entity.parser) refuse(violation.condition, violation.reason);
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
