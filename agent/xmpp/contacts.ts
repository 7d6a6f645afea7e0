/* The device as a contact in people's rosters: a presence subscription to the device's account
 * (RFC 6121 §3.1) is approved for those who may read the device (the allow list, or the hub's
 * canRead decision) and refused to anyone else, and cancelled (§3.2.1) when the hub says read
 * access was revoked, so a person who may read the device sees it online and offline in any
 * client (the agent's presence is broadcast at connect; the server says unavailable when it goes).
 * When the hub says someone gained access (a claim, a share), the device asks to be their contact
 * (`subscribe`): their client offers to add it, and adding it back is approved as above.
 * References: RFC 6121 §2.1.6 (roster pushes are answered), §3.1.3 (requests reach interested
 * resources: the agent asks for its roster at connect, announce.ts), §3.1.4 (approving: `subscribed`), §3.1.5 (refusing: `unsubscribed`),
 * §3.2.1 (cancelling), §4.2 (initial presence), XEP-0324 §3.6 (the hub's revocation push). */
import xml, { type Element } from "@xmpp/xml";
import type { Logger } from "../../shared/log";
import type { Authority } from "../control/authority";
import { bareJid } from "../control/authority";

export const NS_ROSTER = "jabber:iq:roster";

/** RFC 6121 §2.1.3: the roster get that makes the session an interested resource. */
export const makeRosterGet = (): Element => xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER }));

export interface ContactsOptions {
  allowed: Pick<Authority, "mayRead">;
  send: (stanza: Element) => Promise<void>;
  log: Logger;
}

export interface Contacts {
  /** Handles a subscription request; true when `stanza` was one. */
  onPresence(stanza: Element): Promise<boolean>;
  /** The hub said `jid` may no longer read the device: its subscription ends. */
  revoked(jid: string): Promise<void>;
  /** The hub said `jid` gained access: the device asks to be its contact (RFC 6121 §3.1.1). */
  granted(jid: string): Promise<void>;
}

export function createContacts({ allowed, send, log }: ContactsOptions): Contacts {
  const answer = (to: string, type: "subscribed" | "unsubscribed") => send(xml("presence", { to, type }));
  return {
    async onPresence(stanza) {
      if (!stanza.is("presence") || stanza.attrs.type !== "subscribe") return false;
      const from = stanza.attrs.from as string | undefined;
      const who = bareJid(String(from ?? ""));
      if (who === "") return true;
      const may = await allowed.mayRead(from);
      log.info({ jid: who, approved: may }, "presence subscription request");
      await answer(who, may ? "subscribed" : "unsubscribed");
      return true;
    },
    async granted(jid) {
      const who = bareJid(jid);
      if (who === "") return;
      log.info({ jid: who }, "asking to be a contact: access granted");
      await send(xml("presence", { to: who, type: "subscribe" }));
    },
    async revoked(jid) {
      const who = bareJid(jid);
      if (who === "") return;
      log.info({ jid: who }, "presence subscription cancelled: read access revoked");
      await answer(who, "unsubscribed");
    },
  };
}
