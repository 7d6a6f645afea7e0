/* The PubSub stanzas the benchmark peers send and read. Kept in the benchmark so that it measures
 * every service with the same bytes, independent of the hub's own builders.
 * References: XEP-0060 §7.1 (publish), §6.1 (subscribe), §8.1.3 (create and configure),
 * §8.2 (configure), §8.4 (delete), §6.5 (retrieve items), §4.3 + §12.18 (event notifications);
 * XEP-0004 §3 (submit form); docs/design.md §2 (readings payload, item ids). */
import xml, { type Element } from "@xmpp/xml";
import {
  NS_DATA,
  NS_PUBSUB,
  NS_PUBSUB_EVENT,
  NS_PUBSUB_NODE_CONFIG,
  NS_PUBSUB_OWNER,
  NS_READINGS,
} from "../../shared/xmpp/ns";

export const NODE = "devices/bench-1/readings";

/** Node configuration fields submitted at creation: `pubsub#<name>` → value. */
export type NodeOptions = Record<string, string>;

/** XEP-0060 §8.1.3: create with a configuration form; a plain create when there are no options
 * (Prosody 0.12 refuses a <configure/> without a form). */
export function makeCreate(to: string, node: string, options: NodeOptions): Element {
  const fields = Object.entries(options).map(([name, value]) =>
    xml("field", { var: `pubsub#${name}` }, xml("value", {}, value)),
  );
  const formType = xml(
    "field",
    { var: "FORM_TYPE", type: "hidden" },
    xml("value", {}, NS_PUBSUB_NODE_CONFIG),
  );
  const configure =
    fields.length === 0
      ? []
      : [xml("configure", {}, xml("x", { xmlns: NS_DATA, type: "submit" }, formType, ...fields))];
  return xml(
    "iq",
    { type: "set", to },
    xml("pubsub", { xmlns: NS_PUBSUB }, xml("create", { node }), ...configure),
  );
}

/** XEP-0060 §8.2: the node's configuration form, to check what the service applied. */
export function makeConfigureGet(to: string, node: string): Element {
  return xml(
    "iq",
    { type: "get", to },
    xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, xml("configure", { node })),
  );
}

/** Reads one field's first value from a configure result (undefined when absent). */
export function parseConfigField(result: Element, name: string): string | undefined {
  const form = result.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("configure")?.getChild("x", NS_DATA);
  const field = form?.getChildren("field").find((f) => f.attrs.var === `pubsub#${name}`);
  return field?.getChildText("value") ?? undefined;
}

export function makeDelete(to: string, node: string): Element {
  return xml("iq", { type: "set", to }, xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, xml("delete", { node })));
}

export function makeSubscribe(to: string, node: string, jid: string): Element {
  return xml("iq", { type: "set", to }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("subscribe", { node, jid })));
}

/** The subscription state in a subscribe result (undefined when the result has no element). */
export function parseSubscription(result: Element): string | undefined {
  const state = result.getChild("pubsub", NS_PUBSUB)?.getChild("subscription")?.attrs.subscription;
  return state === undefined ? undefined : String(state);
}

export function makeItemsGet(to: string, node: string): Element {
  return xml("iq", { type: "get", to }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node })));
}

/** Number of <item/> elements in an items result. */
export function countItems(result: Element): number {
  return result.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.getChildren("item").length ?? 0;
}

/** docs/design.md §2: one readings item; `payload` is the base64 text. */
export function makePublish(to: string, node: string, id: string, payload: string): Element {
  const readings = xml("readings", { xmlns: NS_READINGS, encoding: "exi4json" }, payload);
  return xml(
    "iq",
    { type: "set", to },
    xml("pubsub", { xmlns: NS_PUBSUB }, xml("publish", { node }, xml("item", { id }, readings))),
  );
}

/** The item ids carried by an event notification (XEP-0060 §7.1.2.1), or [] for other stanzas. */
export function parseNotification(stanza: Element): string[] {
  if (stanza.name !== "message") return [];
  const items = stanza.getChild("event", NS_PUBSUB_EVENT)?.getChild("items");
  if (!items) return [];
  return items.getChildren("item").map((item) => String(item.attrs.id ?? ""));
}

/** The condition of an error reply (RFC 6120 §8.3), or undefined for other failures (timeouts, a
 * lost link). Duck-typed: the client's IQ caller rejects with @xmpp's own StanzaError class. */
export function stanzaCondition(error: unknown): string | undefined {
  const condition = (error as { condition?: unknown } | null)?.condition;
  return error instanceof Error && typeof condition === "string" ? condition : undefined;
}

/** A readings payload of `bytes` fixed pseudo-random bytes, as base64 (41 bytes give 56 characters). */
export function makePayload(bytes = 41): string {
  const raw = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) raw[i] = (i * 73 + 17) & 0xff;
  return raw.toString("base64");
}
