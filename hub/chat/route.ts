/* Chat messages to the hub: one plain-text reply per command. Authority is the outer `from`
 * only; groupchat, errors, bodiless messages (chat states, receipts), messages that carry a
 * forwarded or delayed copy (carbons, XEP-0297) and replies of xiot entities are never treated
 * as commands. A `<delay from>` or XEP-0033 `<addresses>` naming someone else changes nothing:
 * the routed `from` acts. A message stamped (XEP-0203) longer ago than `maxDelayMs` is answered
 * as too old and not run: a command is meant for now.
 * References: RFC 6121 §5.2.2 (chat type), XEP-0280 (carbons), XEP-0297, XEP-0203, XEP-0033. */
import xml, { type Element } from "@xmpp/xml";
import { NS_CARBONS, NS_DELAY, NS_FORWARD, NS_XIOT_CHAT_REPLY } from "../../shared/xmpp/ns";
import type { SendStanza } from "../iq-types";
import type { ChatCommands } from "./dispatch";

const WRAPPERS: ReadonlySet<unknown> = new Set([NS_CARBONS, NS_FORWARD, NS_XIOT_CHAT_REPLY]);

/** Whether a message is a person's chat command for the hub. */
export function isChatCommand(stanza: Element): boolean {
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

export interface ChatRouteDeps {
  chat: ChatCommands;
  send: SendStanza;
  jid: string;
  clock?: { now(): number };
  /** Older commands are not run; default 60 s. */
  maxDelayMs?: number;
}

export function createChatRoute({ chat, send, jid, clock = Date, maxDelayMs = 60_000 }: ChatRouteDeps) {
  return async function onChat(stanza: Element): Promise<boolean> {
    if (!isChatCommand(stanza)) return false;
    const from = String(stanza.attrs.from);
    const delay = delayOf(stanza, clock.now());
    const reply =
      delay !== undefined && delay > maxDelayMs
        ? `That command was sent ${Math.round(delay / 1000)} s ago and was not run. Send it again if you still want it.`
        : await chat.handle(from, stanza.getChildText("body") ?? "");
    const type = stanza.attrs.type === "chat" ? "chat" : "normal";
    const thread = stanza.getChildText("thread");
    await send(
      xml(
        "message",
        { to: from, from: jid, type },
        xml("body", {}, reply),
        ...(thread ? [xml("thread", {}, thread)] : []),
        xml("reply", { xmlns: NS_XIOT_CHAT_REPLY }),
      ),
    );
    return true;
  };
}
