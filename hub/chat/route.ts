/* Chat messages to the hub: one plain-text reply per command. Authority is the outer `from`
 * only; which messages are commands at all (no groupchat, errors, bodiless messages, carbons,
 * forwarded copies or replies of xiot entities) is shared/chat/message.ts. A message stamped
 * (XEP-0203) longer ago than `maxDelayMs` is answered as too old and not run: a command is meant
 * for now.
 * A command that asks for a delivery receipt (XEP-0184) or a displayed marker (XEP-0333) gets them
 * as it arrives (shared/chat/acknowledge.ts): the hub is a public service, so anyone may see that
 * it is there.
 * References: RFC 6121 §5.2.2 (chat type), XEP-0280 (carbons), XEP-0297, XEP-0203, XEP-0033. */
import type { Element } from "@xmpp/xml";
import { acknowledgements } from "../../shared/chat/acknowledge";
import { delayOf, isChatCommand, makeChatReply } from "../../shared/chat/message";
import { tooOld } from "../../shared/chat/replies";
import { NS_CHAT_MARKERS, NS_RECEIPTS } from "../../shared/xmpp/ns";
import { isStoreError } from "../db/errors";
import type { DiscoContribution, SendStanza } from "../iq-types";
import type { ChatCommands } from "./dispatch";

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
    for (const ack of acknowledgements(stanza, jid)) await send(ack);
    const delay = delayOf(stanza, clock.now());
    let failure: unknown;
    let reply: string;
    try {
      reply =
        delay !== undefined && delay > maxDelayMs
          ? tooOld(delay)
          : await chat.handle(String(stanza.attrs.from), stanza.getChildText("body") ?? "");
    } catch (error) {
      // Exactly one reply, even when the command could not run: a full disk is said as such;
      // anything else is a bug, answered and then passed on to be logged.
      reply = isStoreError(error) ? STORAGE_FULL : NOT_RUN;
      if (!isStoreError(error)) failure = error;
    }
    await send(makeChatReply(stanza, reply, jid));
    if (failure !== undefined) throw failure;
    return true;
  };
}

/** XEP-0184 §4 and XEP-0333 §3: the hub says that its chat answers receipts and markers. */
export const chatDisco: DiscoContribution = { identities: [], features: [NS_RECEIPTS, NS_CHAT_MARKERS] };

export const STORAGE_FULL = "The hub's storage is full, so nothing was done. Try again later.";
export const NOT_RUN = "Something went wrong on the hub, so nothing was done.";
