/* Chat messages to the hub: one plain-text reply per command. Authority is the outer `from`
 * only; groupchat, errors, bodiless messages (chat states, receipts) and messages that carry a
 * forwarded or delayed copy (carbons, XEP-0297) are never treated as commands.
 * References: RFC 6121 §5.2.2 (chat type), XEP-0280 (carbons), XEP-0297, XEP-0203. */
import xml, { type Element } from "@xmpp/xml";
import type { SendStanza } from "../iq-types";
import type { ChatCommands } from "./dispatch";

const NS_CARBONS = "urn:xmpp:carbons:2";
const NS_FORWARD = "urn:xmpp:forward:0";

/** Whether a message is a person's chat command for the hub. */
export function isChatCommand(stanza: Element): boolean {
  const type = stanza.attrs.type ?? "normal";
  if (type !== "chat" && type !== "normal") return false;
  if (!stanza.getChildText("body")?.trim()) return false;
  const wrapped = stanza.children.some(
    (c) => typeof c !== "string" && (c.attrs.xmlns === NS_CARBONS || c.attrs.xmlns === NS_FORWARD),
  );
  return !wrapped;
}

export function createChatRoute({ chat, send, jid }: { chat: ChatCommands; send: SendStanza; jid: string }) {
  return async function onChat(stanza: Element): Promise<boolean> {
    if (!isChatCommand(stanza)) return false;
    const from = String(stanza.attrs.from);
    const reply = await chat.handle(from, stanza.getChildText("body") ?? "");
    const type = stanza.attrs.type === "chat" ? "chat" : "normal";
    const thread = stanza.getChildText("thread");
    await send(
      xml(
        "message",
        { to: from, from: jid, type },
        xml("body", {}, reply),
        ...(thread ? [xml("thread", {}, thread)] : []),
      ),
    );
    return true;
  };
}
