/* Event notifications a PubSub service sends to subscribers, read into one typed value.
 * References: XEP-0060 §4.3 (event types), §7.1.2.1 (items with payload), §7.2.2.1 (retract),
 * §8.2 (configuration change), §8.4.2 (node deleted, optional redirect), §8.5.2 (purge),
 * §8.8.4 (subscription state changed). */
import type { Element } from "@xmpp/xml";
import { findForm, type ParsedForm, parseForm } from "./forms";
import { NS_PUBSUB_EVENT } from "./ns";

interface EventBase {
  node: string;
  /** The child of <event/> as received (for readers that want more than is parsed here). */
  element: Element;
}

export type PubsubEvent =
  | (EventBase & { kind: "items"; items: Element[]; retracted: string[] })
  | (EventBase & { kind: "purge" })
  | (EventBase & { kind: "delete"; redirect?: string })
  | (EventBase & { kind: "configuration"; form?: ParsedForm })
  | (EventBase & { kind: "subscription"; jid?: string; subscription?: string });

type Reader = (el: Element, base: EventBase) => PubsubEvent;

const READERS: Record<PubsubEvent["kind"], Reader> = {
  // XEP-0060 §7.1.2.1 (published items) and §7.2.2.1 (<retract id/>) share <items/>.
  items: (el, base) => ({
    ...base,
    kind: "items",
    items: el.getChildren("item"),
    retracted: el.getChildren("retract").map((r) => String(r.attrs.id ?? "")),
  }),
  // XEP-0060 §8.5.2.
  purge: (_el, base) => ({ ...base, kind: "purge" }),
  // XEP-0060 §8.4.2: a redirect names the node that replaces it.
  delete: (el, base) => {
    const uri = el.getChild("redirect")?.attrs.uri;
    return { ...base, kind: "delete", ...(uri !== undefined && { redirect: String(uri) }) };
  },
  // XEP-0060 §8.2: the new configuration, when the node sends it with notifications.
  configuration: (el, base) => {
    const form = parseForm(findForm(el));
    return { ...base, kind: "configuration", ...(form && { form }) };
  },
  // XEP-0060 §8.8.4.
  subscription: (el, base) => {
    const { jid, subscription } = el.attrs as Record<string, string | undefined>;
    return {
      ...base,
      kind: "subscription",
      ...(jid !== undefined && { jid }),
      ...(subscription !== undefined && { subscription }),
    };
  },
};

/** The notification a message carries; undefined for any other stanza. */
export function parseEvent(stanza: Element): PubsubEvent | undefined {
  if (!stanza.is("message")) return undefined;
  const element = stanza.getChild("event", NS_PUBSUB_EVENT)?.getChildElements()[0];
  const read =
    element && Object.hasOwn(READERS, element.name)
      ? READERS[element.name as PubsubEvent["kind"]]
      : undefined;
  if (!element || !read) return undefined;
  return read(element, { node: String(element.attrs.node ?? ""), element });
}

/** An items notification (published or retracted items); undefined for other stanzas. */
export function parseItemsEvent(stanza: Element): Extract<PubsubEvent, { kind: "items" }> | undefined {
  const event = parseEvent(stanza);
  return event?.kind === "items" ? event : undefined;
}
