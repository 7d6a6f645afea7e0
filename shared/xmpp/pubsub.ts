/* The client side of PubSub: what a publisher or subscriber sends to a service, and readers for
 * the service's replies. Pure make/parse functions; the owner's requests are in pubsub-owner.ts,
 * event notifications in pubsub-events.ts.
 * References: XEP-0060 §5.6 (retrieve subscriptions), §5.7 (retrieve affiliations), §6.1
 * (subscribe), §6.2 (unsubscribe), §6.3 (subscription options), §6.5 (retrieve items), §7.1
 * (publish, §7.1.5 publish-options), §7.2 (retract); XEP-0059 §2 (paging items); XEP-0004 §3
 * (submitted forms), XEP-0068 (FORM_TYPE). */
import xml, { type Element } from "@xmpp/xml";
import { findForm, makeForm, type ParsedForm, parseForm } from "./forms";
import { NS_PUBSUB, NS_PUBSUB_PUBLISH_OPTIONS, NS_PUBSUB_SUBSCRIBE_OPTIONS, NS_RSM } from "./ns";

/** Form fields by their full var (`pubsub#access_model`); a list repeats the <value/>. */
export type PubsubFields = Record<string, string | string[]>;

/** `<iq type to><pubsub xmlns=ns>…children</pubsub></iq>`. */
export function makePubsubIq(type: "get" | "set", to: string, ns: string, ...children: Element[]): Element {
  return xml("iq", { type, to }, xml("pubsub", { xmlns: ns }, ...children));
}

/** A submitted form with its FORM_TYPE (XEP-0004 §3.1, XEP-0068). */
export function makeSubmitForm(formType: string, fields: PubsubFields): Element {
  const list = Object.entries(fields).map(([name, v]) => ({ var: name, values: Array.isArray(v) ? v : [v] }));
  return makeForm({ type: "submit", formType, fields: list });
}

export interface PublishOptions {
  /** The item id; without one the service assigns it (XEP-0060 §7.1.2). */
  id?: string;
  /** Preconditions in the publish-options form (XEP-0060 §7.1.5). */
  publishOptions?: PubsubFields;
}

// XEP-0060 §7.1.1 (an item with or without a payload), §7.1.5 (publish-options).
export function makePublish(to: string, node: string, payload?: Element, o: PublishOptions = {}): Element {
  const item = xml("item", o.id === undefined ? {} : { id: o.id }, ...(payload ? [payload] : []));
  const options = o.publishOptions
    ? [xml("publish-options", {}, makeSubmitForm(NS_PUBSUB_PUBLISH_OPTIONS, o.publishOptions))]
    : [];
  return makePubsubIq("set", to, NS_PUBSUB, xml("publish", { node }, item), ...options);
}

// XEP-0060 §7.2.1; notify asks the service to tell subscribers (§7.2.2.1).
export function makeRetract(to: string, node: string, ids: readonly string[], notify?: boolean): Element {
  const attrs = notify === undefined ? { node } : { node, notify: String(notify) };
  const items = ids.map((id) => xml("item", { id }));
  return makePubsubIq("set", to, NS_PUBSUB, xml("retract", attrs, ...items));
}

// XEP-0060 §6.1.1; with options, subscribe and configure at once (§6.3.7).
export function makeSubscribe(to: string, node: string, jid: string, options?: PubsubFields): Element {
  const configure = options ? [xml("options", {}, makeSubmitForm(NS_PUBSUB_SUBSCRIBE_OPTIONS, options))] : [];
  return makePubsubIq("set", to, NS_PUBSUB, xml("subscribe", { node, jid }), ...configure);
}

// XEP-0060 §6.2.1.
export function makeUnsubscribe(to: string, node: string, jid: string, subid?: string): Element {
  const attrs = subid === undefined ? { node, jid } : { node, jid, subid };
  return makePubsubIq("set", to, NS_PUBSUB, xml("unsubscribe", attrs));
}

// XEP-0060 §6.3.2 (request the options form); §6.3.5 (submit it) when fields are given.
export function makeSubscriptionOptions(
  to: string,
  node: string,
  jid: string,
  fields?: PubsubFields,
): Element {
  if (fields === undefined) return makePubsubIq("get", to, NS_PUBSUB, xml("options", { node, jid }));
  const form = makeSubmitForm(NS_PUBSUB_SUBSCRIBE_OPTIONS, fields);
  return makePubsubIq("set", to, NS_PUBSUB, xml("options", { node, jid }, form));
}

/** XEP-0059 §2: a page of at most `max` items, after or before an item id (an empty `before`
 * asks for the last page, §2.5). */
export interface ItemsPage {
  max?: number;
  after?: string;
  before?: string;
}

export interface ItemsQuery {
  /** `max_items`: the newest N items (XEP-0060 §6.5.7). */
  maxItems?: number;
  /** These items only (XEP-0060 §6.5.8). */
  ids?: readonly string[];
  page?: ItemsPage;
}

function makeRsmRequest(page: ItemsPage): Element {
  const children: Element[] = [];
  if (page.max !== undefined) children.push(xml("max", {}, String(page.max)));
  if (page.after !== undefined) children.push(xml("after", {}, page.after));
  if (page.before !== undefined) children.push(xml("before", {}, ...(page.before ? [page.before] : [])));
  return xml("set", { xmlns: NS_RSM }, ...children);
}

// XEP-0060 §6.5.2 (all items), §6.5.7 (max_items), §6.5.8 (by id); XEP-0059 §2.1 (a page).
export function makeItems(to: string, node: string, q: ItemsQuery = {}): Element {
  const attrs = q.maxItems === undefined ? { node } : { node, max_items: String(q.maxItems) };
  const items = xml("items", attrs, ...(q.ids ?? []).map((id) => xml("item", { id })));
  return makePubsubIq("get", to, NS_PUBSUB, items, ...(q.page ? [makeRsmRequest(q.page)] : []));
}

// XEP-0060 §5.6: the requester's own subscriptions (on one node, or on all).
export const makeSubscriptionsGet = (to: string, node?: string): Element =>
  makePubsubIq("get", to, NS_PUBSUB, xml("subscriptions", node === undefined ? {} : { node }));

// XEP-0060 §5.7: the requester's own affiliations (on one node, or on all).
export const makeAffiliationsGet = (to: string, node?: string): Element =>
  makePubsubIq("get", to, NS_PUBSUB, xml("affiliations", node === undefined ? {} : { node }));

export interface ItemsResult {
  node?: string;
  items: Element[];
  /** XEP-0059 §2.2: the result set the service returned, when it paged. */
  first?: string;
  last?: string;
  count?: number;
}

// XEP-0060 §6.5.3 (the items), XEP-0059 §2.2 (first, last, count).
export function parseItemsResult(result: Element): ItemsResult {
  const pubsub = result.getChild("pubsub", NS_PUBSUB);
  const items = pubsub?.getChild("items");
  const set = pubsub?.getChild("set", NS_RSM);
  const first = set?.getChildText("first") ?? undefined;
  const last = set?.getChildText("last") ?? undefined;
  const count = set?.getChildText("count");
  return {
    ...(items?.attrs.node !== undefined && { node: String(items.attrs.node) }),
    items: items?.getChildren("item") ?? [],
    ...(first && { first }),
    ...(last && { last }),
    ...(count != null && { count: Number(count) }),
  };
}

/** Item ids of an items reply, in the service's order. */
export const parseItemIds = (result: Element): string[] =>
  parseItemsResult(result).items.map((i) => String(i.attrs.id ?? ""));

// XEP-0060 §7.1.2: the id of the published item, when the service names it.
export function parsePublishedId(result: Element): string | undefined {
  const id = result.getChild("pubsub", NS_PUBSUB)?.getChild("publish")?.getChild("item")?.attrs.id;
  return id === undefined ? undefined : String(id);
}

export interface Subscription {
  node?: string;
  jid: string;
  subscription?: string;
  subid?: string;
}

const subscriptionOf = (el: Element): Subscription => {
  const { node, jid, subscription, subid } = el.attrs as Record<string, string | undefined>;
  return {
    ...(node !== undefined && { node }),
    jid: jid ?? "",
    ...(subscription !== undefined && { subscription }),
    ...(subid !== undefined && { subid }),
  };
};

// XEP-0060 §6.1.2: the subscription in a subscribe result; a service may leave it out.
export function parseSubscription(result: Element): Subscription | undefined {
  const el = result.getChild("pubsub", NS_PUBSUB)?.getChild("subscription");
  return el ? subscriptionOf(el) : undefined;
}

// XEP-0060 §5.6.2 (own, pubsub ns) and §8.8.1.2 (owner ns, `ns` given).
export function parseSubscriptions(result: Element, ns: string = NS_PUBSUB): Subscription[] {
  const list = result.getChild("pubsub", ns)?.getChild("subscriptions");
  const node = list?.attrs.node as string | undefined;
  return (list?.getChildren("subscription") ?? []).map((el) => ({
    ...(node !== undefined && { node }),
    ...subscriptionOf(el),
  }));
}

export interface Affiliation {
  node?: string;
  jid?: string;
  affiliation: string;
}

// XEP-0060 §5.7.2 (own: node and affiliation) and §8.9.1.2 (owner ns: jid and affiliation).
export function parseAffiliations(result: Element, ns: string = NS_PUBSUB): Affiliation[] {
  const list = result.getChild("pubsub", ns)?.getChild("affiliations");
  const listNode = list?.attrs.node as string | undefined;
  return (list?.getChildren("affiliation") ?? []).map((el) => {
    const { node = listNode, jid, affiliation } = el.attrs as Record<string, string | undefined>;
    return {
      ...(node !== undefined && { node }),
      ...(jid !== undefined && { jid }),
      affiliation: affiliation ?? "",
    };
  });
}

// XEP-0060 §6.3.4: the subscription options form.
export const parseSubscriptionOptions = (result: Element): ParsedForm | undefined =>
  parseForm(findForm(result.getChild("pubsub", NS_PUBSUB)?.getChild("options")));
