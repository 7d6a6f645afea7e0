/* Handlers: publish, retract, items.
 * References: XEP-0060 §7.1 (publish, §7.1.3.5 bad payload), §7.2 (retract), §6.5 (retrieve
 * items, §6.5.4 returning some items), XEP-0059 §2 (paging, §2.5 the last page, §2.6 an empty
 * page), docs/design.md §6 (replies bounded by bytes). */
import xml, { type Element } from "@xmpp/xml";
import { envelopeBytes } from "../../shared/xmpp/budget";
import { makeError } from "../../shared/xmpp/errors";
import { findForm, parseBoolean } from "../../shared/xmpp/forms";
import { makeRsmSet, parseRsm } from "../../shared/xmpp/rsm";
import type { IqContext } from "../iq-types";
import { parsePublishOptions } from "./config-form";
import { attr, errorOf, type PubsubHandler, pubsub, replyWith } from "./handler-types";
import type { ItemsRequest, ItemsResult } from "./service-items";
import type { StoredItem } from "./storage/types";
import { parseElement } from "./xml";

/** The payload of a published <item/> and its namespace: "" for none, or why it is unacceptable. */
function payloadOf(item: Element): { payload: string; namespace?: string } | Element {
  const children = item.getChildElements();
  if (children.length === 0) return { payload: "" };
  const [payload] = children;
  // §7.1.3.5: exactly one payload element, in its own namespace.
  if (children.length > 1 || !payload || typeof payload.attrs.xmlns !== "string")
    return makeError("invalid-payload");
  return { payload: payload.toString(), namespace: payload.attrs.xmlns };
}

/** One element for every rate refusal: a flood's refusals build nothing (rate-limit.ts). */
const RATE_LIMITED = makeError("rate-limited");

export const publish: PubsubHandler = async ({ iq, action, pubsub: ps, service }) => {
  if (!service.publishAdmitted(iq.from)) return RATE_LIMITED; // before the payload is read
  const node = attr(action, "node");
  if (node === undefined) return makeError("nodeid-required");
  const items = action.getChildren("item");
  if (items.length === 0) return makeError("item-required"); // §7.1.3.6
  if (items.length > 1) return makeError("bad-request");
  const item = items[0] as Element;
  const payload = payloadOf(item);
  if (!("payload" in payload)) return payload;
  const options = parsePublishOptions(findForm(ps.getChild("publish-options")));
  if (!options.ok) return errorOf(options);
  const id = attr(item, "id");
  const result = await service.publish(iq.from, node, {
    ...payload,
    ...(id !== undefined && id !== "" && { id }),
    ...(options.value !== undefined && { options: options.value }),
  });
  return replyWith(result, (published) => pubsub(xml("publish", { node }, xml("item", { id: published }))));
};

export const retract: PubsubHandler = async ({ iq, action, service }) => {
  const node = attr(action, "node");
  if (node === undefined) return makeError("nodeid-required"); // §7.2.3.3
  const notify = parseBoolean(attr(action, "notify"));
  const id = attr(action.getChild("item"), "id");
  return replyWith(await service.retract(iq.from, node, id, notify), () => undefined);
};

/** Item element for a reply or notification: the id and, when wanted, the payload. */
export function makeItem(item: StoredItem, withPayload = true): Element {
  const el = xml("item", { id: item.id });
  if (withPayload && item.payload !== "") el.append(parseElement(item.payload));
  return el;
}

type Parsed = { ok: true; req: ItemsRequest; rsm: boolean } | { ok: false; error: Element };

function itemsRequest(iq: IqContext, action: Element, ps: Element): Parsed {
  const bad = (): Parsed => ({ ok: false, error: makeError("bad-request") });
  // The <iq/> echoes the request's id and addresses; the node name appears in <items/>.
  const req: ItemsRequest = { overheadBytes: envelopeBytes(iq, attr(action, "node") ?? "") };
  const max = attr(action, "max_items");
  if (max !== undefined) {
    if (!/^\d{1,9}$/.test(max)) return bad();
    req.max = Number(max);
  }
  const ids = action.getChildren("item").map((i) => attr(i, "id"));
  if (ids.length > 0) {
    if (ids.some((i) => i === undefined)) return bad();
    req.ids = ids as string[];
  }
  const rsm = parseRsm(ps);
  if (rsm === "bad-request") return bad();
  if (rsm?.max !== undefined) req.rsmMax = rsm.max;
  if (rsm?.index !== undefined) req.index = rsm.index;
  if (rsm?.after !== undefined) req.after = rsm.after;
  if (rsm?.before !== undefined) req.before = rsm.before;
  return { ok: true, req, rsm: rsm !== undefined };
}

function itemsReply(node: string, result: ItemsResult, withRsm: boolean): Element {
  const items = xml("items", { node }, ...result.items.map((i) => makeItem(i)));
  if (!withRsm) return pubsub(items);
  const first = result.items[0];
  const last = result.items[result.items.length - 1];
  const set = makeRsmSet({
    count: result.total,
    ...(first && { first: first.id, firstIndex: result.firstIndex }),
    ...(last && { last: last.id }),
  });
  return pubsub(items, set);
}

export const items: PubsubHandler = async ({ iq, action, pubsub: ps, service }) => {
  const node = attr(action, "node");
  if (node === undefined) return makeError("nodeid-required");
  const parsed = itemsRequest(iq, action, ps);
  if (!parsed.ok) return parsed.error;
  const { req, rsm } = parsed;
  const result = await service.items(iq.from, node, req);
  // Every truncated reply says so with RSM (§6.5.4), so clients can page: the page is capped by
  // count (pubsub.maxItemsPerPage) and by bytes (pubsub.maxReplyBytes).
  return replyWith(result, (r) => itemsReply(node, r, rsm || r.items.length < r.total));
};
