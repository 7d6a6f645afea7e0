/* What a chat command asks to be told as it is taken in, for the hub and the agent alike.
 * References: XEP-0184 §5 (a `<request/>` with an `id` is answered by an ack message whose one
 * child is `<received id/>`, of the same type; never a request in an ack, never for groupchat),
 * XEP-0333 §4.2 (a `<markable/>` message is answered by `<displayed id/>`; never a marker for a
 * marker). Both are sent when the command arrives, before it runs, so that a person's client shows
 * the message delivered and read while a slow command is still under way. A message without an
 * `id` asks for nothing that can be answered (both XEPs require it).
 *
 * Only chat commands are acknowledged (shared/chat/message.ts): an ack message carries no body,
 * so it is never a command to another xiot entity. */
import xml, { type Element } from "@xmpp/xml";
import { NS_CHAT_MARKERS, NS_RECEIPTS } from "../xmpp/ns";

/** The receipt and marker `command` asks for, addressed to its sender (from `from` when the sender
 * must say who it is, as a component does). */
export function acknowledgements(command: Element, from?: string): Element[] {
  const id = command.attrs.id;
  const to = command.attrs.from;
  if (typeof id !== "string" || id === "" || typeof to !== "string") return [];
  const type = command.attrs.type === "chat" ? "chat" : "normal";
  const attrs = (kind: string): Record<string, string> => ({
    to,
    type,
    id: `${kind}-${globalThis.crypto.randomUUID()}`,
    ...(from !== undefined && { from }),
  });
  const out: Element[] = [];
  if (command.getChild("request", NS_RECEIPTS))
    out.push(xml("message", attrs("receipt"), xml("received", { xmlns: NS_RECEIPTS, id })));
  if (command.getChild("markable", NS_CHAT_MARKERS))
    out.push(xml("message", attrs("marker"), xml("displayed", { xmlns: NS_CHAT_MARKERS, id })));
  return out;
}
