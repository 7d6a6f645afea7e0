/* References: RFC 6121 §5.2.2 (message types: chat and normal are answered; error, groupchat and
 * headline never), XEP-0280 (carbons are copies, never commands), XEP-0297 (forwarded copies),
 * XEP-0203 (delayed delivery), docs/design.md §3 (exactly one reply per command).
 *
 * Which messages are chat commands, how long they waited, and the reply, for the hub and the
 * agent alike. Authority is the routed `from` only: a `<delay from>` or XEP-0033 `<addresses>`
 * naming someone else changes nothing. */
import xml, { type Element } from "@xmpp/xml";
import { NS_CARBONS, NS_DELAY, NS_FORWARD, NS_XIOT_CHAT_REPLY } from "../xmpp/ns";

/** Children that make a message a copy or an xiot reply (answering one could start an endless
 * exchange between two entities), never a command. */
const WRAPPERS: ReadonlySet<unknown> = new Set([NS_CARBONS, NS_FORWARD, NS_XIOT_CHAT_REPLY]);

/** Whether a message is a person's chat command: chat or normal, with a body that says something,
 * and no carbon, forwarded copy or xiot reply marker in it. */
export function isChatCommand(stanza: Element): boolean {
  if (!stanza.is("message")) return false;
  const type = stanza.attrs.type ?? "normal";
  if (type !== "chat" && type !== "normal") return false;
  if (!stanza.getChildText("body")?.trim()) return false;
  return !stanza.children.some((c) => typeof c !== "string" && WRAPPERS.has(c.attrs.xmlns));
}

/** ms since a message's XEP-0203 stamp, or undefined when it has none (or an unreadable one). */
export function delayOf(stanza: Element, now: number): number | undefined {
  const stamp = stanza.getChild("delay", NS_DELAY)?.attrs.stamp;
  const t = typeof stamp === "string" ? Date.parse(stamp) : Number.NaN;
  return Number.isFinite(t) ? now - t : undefined;
}

/** The one reply to a command: to its sender, of its type, in its thread, marked as a reply. */
export function makeChatReply(command: Element, body: string, from?: string): Element {
  const attrs: Record<string, string> = { type: command.attrs.type === "chat" ? "chat" : "normal" };
  if (command.attrs.from) attrs.to = String(command.attrs.from);
  if (from !== undefined) attrs.from = from;
  if (command.attrs.id) attrs.id = `${command.attrs.id}-reply`;
  const thread = command.getChildText("thread");
  return xml(
    "message",
    attrs,
    xml("body", {}, body),
    ...(thread ? [xml("thread", {}, thread)] : []),
    xml("reply", { xmlns: NS_XIOT_CHAT_REPLY }),
  );
}
