/* Notifications: broadcaster events → <message/> stanzas sent through the component link,
 * and what a bounced notification means for the subscription.
 * References: XEP-0060 §7.1.2 (item notifications with payload and id), §7.2.2 (retract),
 * §8.4.2 (delete with redirect), §8.5.2 (purge), pubsub#notify_config, §8.6 (authorization
 * form to owners), §8.8.4 (subscription state); XEP-0203 (delay on late items); RFC 6120 §8.3.
 * One subscription per JID, so no SubID headers are needed. */
import xml, { type Element } from "@xmpp/xml";
import type { Logger } from "../../shared/log";
import { makeForm } from "../../shared/xmpp/forms";
import {
  NS_DELAY,
  NS_PUBSUB_EVENT,
  NS_PUBSUB_SUBSCRIBE_AUTHORIZATION,
  NS_STANZAS,
} from "../../shared/xmpp/ns";
import type { SendStanza } from "../iq-types";
import { makeItem } from "./handlers-items";
import type { Broadcaster, PubsubEvent, Recipient } from "./types";

export interface NotifierDeps {
  /** The service's own JID (the `from` of every notification). */
  jid: string;
  send: SendStanza;
  log: Logger;
  /** Message ids; default: a per-process counter. */
  newId?: () => string;
}

const event = (child: Element): Element => xml("event", { xmlns: NS_PUBSUB_EVENT }, child);

/** The <event/> payload of one broadcaster event, for all its recipients. */
export function makeEventChild(e: PubsubEvent, serviceJid: string): Element | undefined {
  switch (e.type) {
    case "items": {
      const items = e.items.map((i) => makeItem(i, e.payloads));
      return event(xml("items", { node: e.node }, ...items));
    }
    case "retract":
      return event(xml("items", { node: e.node }, ...e.ids.map((id) => xml("retract", { id }))));
    case "delete": {
      const redirect = e.redirect === undefined ? [] : [xml("redirect", { uri: e.redirect })];
      return event(xml("delete", { node: e.node }, ...redirect));
    }
    case "purge":
      return event(xml("purge", { node: e.node }));
    case "config":
      return event(xml("configuration", { node: e.node }));
    case "subscription":
      return event(
        xml("subscription", {
          node: e.node,
          jid: e.jid,
          subscription: e.state,
          ...(e.subid !== undefined && { subid: e.subid }),
        }),
      );
    case "authorization":
      return makeForm({
        type: "form",
        title: "PubSub subscriber request",
        formType: NS_PUBSUB_SUBSCRIBE_AUTHORIZATION,
        fields: [
          { var: "pubsub#subid", type: "hidden", values: [e.subid] },
          { var: "pubsub#node", type: "text-single", label: "Node ID", values: [e.node] },
          {
            var: "pubsub#subscriber_jid",
            type: "jid-single",
            label: "Subscriber Address",
            values: [e.subscriber],
          },
          {
            var: "pubsub#allow",
            type: "boolean",
            label: `Allow this JID to subscribe to ${serviceJid}?`,
            values: ["0"],
          },
        ],
      });
    default:
      return undefined;
  }
}

/** The addresses one event goes to. */
function targetsOf(e: PubsubEvent): Recipient[] {
  switch (e.type) {
    case "authorization":
      return e.owners.map((jid) => ({ jid, subid: e.subid }));
    case "subscription":
      return [{ jid: e.jid, subid: e.subid ?? "" }];
    default:
      return e.recipients;
  }
}

export function createNotifier(deps: NotifierDeps): Broadcaster {
  let counter = 0;
  const prefix = Date.now().toString(36);
  const nextId = deps.newId ?? ((): string => `n${prefix}-${(counter++).toString(36)}`);

  function build(e: PubsubEvent, to: string, child: Element): Element {
    const type = e.type === "items" ? e.messageType : e.type === "authorization" ? "normal" : "headline";
    const msg = xml("message", { from: deps.jid, to, type, id: nextId() }, child);
    if (e.type === "items" && e.delayed && e.items[0]) {
      const stamp = new Date(e.items[0].published).toISOString();
      msg.append(xml("delay", { xmlns: NS_DELAY, from: deps.jid, stamp })); // XEP-0203 §4
    }
    return msg;
  }

  return {
    broadcast(e) {
      let child: Element | undefined;
      try {
        child = makeEventChild(e, deps.jid);
      } catch (error) {
        // A stored payload that no longer parses must not stop the service; subscribers can
        // still retrieve the item ids. Logged at error level: it means corrupted storage.
        deps.log.error({ err: error, node: e.node }, "pubsub notification could not be built");
        return;
      }
      if (!child) return;
      for (const target of targetsOf(e)) {
        deps.send(build(e, target.jid, child)).catch((error: unknown) => {
          // A lost notification is recoverable: subscribers catch up with <items/>.
          deps.log.warn({ err: error, node: e.node, to: target.jid }, "pubsub notification not sent");
        });
      }
    },
  };
}

/** Conditions that say the address will never accept a notification (RFC 6120 §8.3.3). */
const PERMANENT = new Set(["remote-server-not-found", "jid-malformed", "gone", "item-not-found"]);

export interface BounceDecision {
  action: "keep" | "drop";
  type: string | undefined;
  condition: string | undefined;
}

/**
 * What a bounced notification means for the subscription. `wait` errors and
 * recipient-unavailable never remove it: the subscriber is only away and catches up with
 * <items/> when back. Only permanent `cancel` errors about the address itself drop it.
 */
export function classifyBounce(stanza: Element): BounceDecision {
  const error = stanza.getChild("error");
  const type = error?.attrs.type as string | undefined;
  const condition = error?.getChildElements().find((c) => c.attrs.xmlns === NS_STANZAS)?.name;
  if (type === "wait" || condition === "recipient-unavailable") return { action: "keep", type, condition };
  if (type === "cancel" && condition !== undefined && PERMANENT.has(condition)) {
    return { action: "drop", type, condition };
  }
  return { action: "keep", type, condition };
}
