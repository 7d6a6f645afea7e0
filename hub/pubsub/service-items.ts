/* Items: publish (with and without id, publish-options), retract, retrieval with paging.
 * References: XEP-0060 §7.1 (publish, §7.1.3.5 bad payload against pubsub#type, §7.1.5
 * publish-options), §7.2 (retract), §4.1 Table 4 (retract own / any item), §6.5 (retrieve items,
 * §6.5.4 returning some items), XEP-0059 (RSM, §2.5 the last page), docs/design.md §6 (replies
 * bounded by bytes). Which nodes are append-only is the injected itemcheck's call (rules.ts; the
 * hub's device rules make readings nodes append-only). */

import { bareOf, type Jid } from "../../shared/jid";
import { fitCount } from "../../shared/xmpp/budget";
import { retrieveFailure } from "./access";
import { may } from "./capabilities";
import {
  actorOf,
  affiliationOf,
  expiryCutoff,
  loadNode,
  recipientsOf,
  type ServiceContext,
  subscriptionFor,
} from "./context";
import { askedEncoding, renderItems } from "./encodings";
import { effectiveMaxItems } from "./node-config";
import type { NodeConfig, NodeRecord, StoredItem } from "./storage/types";
import { type Fail, fail, ok, type Result } from "./types";

export interface PublishRequest {
  id?: string;
  /** Serialised payload element; "" when the item carries none. */
  payload: string;
  /** The payload element's namespace, checked against the node's pubsub#type. */
  namespace?: string;
  /** publish-options preconditions (§7.1.5). */
  options?: Partial<NodeConfig>;
}

export interface ItemsRequest {
  ids?: string[];
  /** max_items (§6.5.7). */
  max?: number;
  /** XEP-0059 page size and cursors; `before` "" asks for the last page (§2.5). */
  rsmMax?: number;
  after?: string;
  before?: string;
  index?: number;
  /** Bytes of the reply around the items (the edge's envelope); the rest is the items' budget. */
  overheadBytes?: number;
}

export interface ItemsResult {
  items: StoredItem[];
  total: number;
  firstIndex: number;
}

const ITEM_ID_RE = /^[^\p{Cc}]{1,1023}$/u;

/** Bytes an item takes in an items reply: the payload, and its id escaped (worst case ×6) for
 * <item id=''/> and, should it open or close the page, the RSM <first/> or <last/>. */
export const itemReplyBytes = (item: StoredItem): number =>
  Buffer.byteLength(item.payload) + 3 * 6 * Buffer.byteLength(item.id) + 32;

/** How many items, from the head (or from the tail), fit `budget`: at least one. */
function fitting(items: StoredItem[], budget: number, fromTail: boolean): number {
  const sizes = items.map(itemReplyBytes);
  return fitCount(fromTail ? sizes.reverse() : sizes, budget);
}

function preconditionsMet(config: NodeConfig, wanted: Partial<NodeConfig>): boolean {
  return Object.entries(wanted).every(([key, value]) => config[key as keyof NodeConfig] === value);
}

export function createItemOps(ctx: ServiceContext) {
  const { limits } = ctx.config;

  async function mayPublish(node: NodeRecord, actor: Jid): Promise<boolean> {
    const affiliation = await affiliationOf(ctx, node.id, actor.bare);
    if (may(affiliation, "publish")) return true;
    if (affiliation === "outcast") return false;
    if (node.config.publishModel === "open") return true;
    if (node.config.publishModel !== "subscribers") return false;
    return (await subscriptionFor(ctx, node.id, actor))?.state === "subscribed";
  }

  function checkRequest(node: NodeRecord, req: PublishRequest): Fail | undefined {
    if (req.id !== undefined && !ITEM_ID_RE.test(req.id)) return fail("bad-request");
    if (req.payload === "" && (node.config.persistItems || node.config.deliverPayloads)) {
      return fail("payload-required"); // §7.1.3.6
    }
    // §7.1.3.5: the root payload element's namespace must be the node's pubsub#type.
    const type = node.config.payloadType;
    if (type !== "" && req.payload !== "" && req.namespace !== type) return fail("invalid-payload");
    if (Buffer.byteLength(req.payload) > limits.maxPayloadBytes) return fail("payload-too-big"); // §7.1.3.4
    if (req.options && !preconditionsMet(node.config, req.options)) return fail("precondition-not-met"); // §7.1.5
    return undefined;
  }

  async function publish(
    from: string,
    nodeId: string | undefined,
    req: PublishRequest,
  ): Promise<Result<string>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    // The rate check comes first: a flood's refusals never reach storage (rate-limit.ts).
    if (!ctx.admins.has(actor.value.bare) && !ctx.limiter.take(actor.value.bare)) return fail("rate-limited");
    const node = await loadNode(ctx, nodeId);
    if (!node.ok) return node; // §7.1.3.3
    if (!(await mayPublish(node.value, actor.value))) return fail("forbidden"); // §7.1.3.1
    const refused = checkRequest(node.value, req);
    if (refused) return refused;
    const item: StoredItem = {
      id: req.id ?? ctx.newId(),
      payload: req.payload,
      publisher: actor.value.full,
      published: ctx.clock.now(),
    };
    const verdict = ctx.rules.itemcheck(node.value, item);
    if (typeof verdict !== "string" && "ok" in verdict) return verdict;
    const keep = typeof verdict === "string" ? verdict : verdict.keep;
    const alsoWrite = typeof verdict === "string" ? undefined : verdict.alsoWrite;
    // Replacing an item changes it as retracting it does: only its publisher, or with retract-any.
    if (req.id !== undefined && !(await mayReplace(node.value, actor.value, item.id))) {
      return fail("forbidden"); // §7.2.3.1
    }
    const stored = await store(node.value, item, keep === "append-only", alsoWrite);
    if (stored !== "stored") return stored === "republished" ? ok(item.id) : stored;
    await notifyItem(node.value, item);
    await ctx.events.emit({ type: "published", node: node.value.id, ...item });
    return ok(item.id);
  }

  /** Whether `actor` may change (replace or retract) `item`: its own, or any with retract-any. */
  async function mayChange(node: NodeRecord, actor: Jid, item: StoredItem): Promise<boolean> {
    if (bareOf(item.publisher) === actor.bare) return true;
    return may(await affiliationOf(ctx, node.id, actor.bare), "retract-any");
  }

  async function mayReplace(node: NodeRecord, actor: Jid, id: string): Promise<boolean> {
    if (!node.config.persistItems) return true;
    const existing = await ctx.store.getItem(node.id, id);
    return existing === undefined || (await mayChange(node, actor, existing));
  }

  /** Stores the item when the node persists items; an append-only node keeps an existing id.
   * `alsoWrite` commits with the item (a node that keeps no items runs it alone). */
  async function store(node: NodeRecord, item: StoredItem, appendOnly: boolean, alsoWrite?: () => void) {
    if (!node.config.persistItems) {
      alsoWrite?.();
      return "stored" as const;
    }
    const put = await ctx.store.putItem(node.id, item, {
      maxItems: effectiveMaxItems(node.config, limits),
      ifAbsent: appendOnly,
      ...(alsoWrite ? { alsoWrite } : {}),
    });
    if (put.status === "stored") return "stored" as const;
    // The same id with the same payload is a retransmission, acknowledged once.
    if (put.existing.payload !== item.payload) return fail("conflict");
    const { id, publisher, payload } = item;
    await ctx.events.emit({ type: "republished", node: node.id, id, publisher, payload });
    return "republished" as const;
  }

  async function notifyItem(node: NodeRecord, item: StoredItem): Promise<void> {
    const recipients = await recipientsOf(ctx, node.id, node.config);
    if (recipients.length === 0) return;
    ctx.broadcaster.broadcast({
      type: "items",
      node: node.id,
      items: [item],
      recipients,
      payloads: node.config.deliverPayloads,
      delayed: false,
      messageType: node.config.notificationType,
    }); // §7.1.2.1
  }

  async function retract(from: string, nodeId: string | undefined, id: string | undefined, notify?: boolean) {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const node = await loadNode(ctx, nodeId);
    if (!node.ok) return node; // §7.2.3.2 / §7.2.3.3
    if (id === undefined || id === "") return fail("item-required"); // §7.2.3.4
    const affiliation = await affiliationOf(ctx, node.value.id, actor.value.bare);
    // Whoever may publish to the node may retract its own items (the same rule as replacing).
    const mayRetract =
      may(affiliation, "retract-own") ||
      may(affiliation, "retract-any") ||
      (await mayPublish(node.value, actor.value));
    if (!mayRetract) return fail("forbidden"); // §7.2.3.1
    const item = await ctx.store.getItem(node.value.id, id);
    if (!item) return fail("item-not-found"); // §7.2.3 item does not exist
    if (!(await mayChange(node.value, actor.value, item))) return fail("forbidden");
    await ctx.store.deleteItem(node.value.id, id);
    if (notify === true || (notify === undefined && node.value.config.notifyRetract)) {
      const recipients = await recipientsOf(ctx, node.value.id, node.value.config);
      ctx.broadcaster.broadcast({ type: "retract", node: node.value.id, ids: [id], recipients }); // §7.2.2.1
    }
    await ctx.events.emit({ type: "retracted", node: node.value.id, id, actor: actor.value.full });
    return ok(undefined);
  }

  async function items(
    from: string,
    nodeId: string | undefined,
    req: ItemsRequest,
  ): Promise<Result<ItemsResult>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const node = await loadNode(ctx, nodeId);
    if (!node.ok) return node; // §6.5.9.11
    const affiliation = await affiliationOf(ctx, node.value.id, actor.value.bare);
    const sub = await subscriptionFor(ctx, node.value.id, actor.value);
    const refused = retrieveFailure(node.value, affiliation, sub);
    if (refused) return refused;
    // Payloads in the encoding the requester's subscription asks for, measured as sent.
    const encoding = askedEncoding(ctx.rules, node.value.id, sub?.options);
    const view = (list: StoredItem[]) => renderItems(ctx.rules, limits, node.value.id, list, encoding);
    const cutoff = expiryCutoff(ctx, node.value.config);
    const budget = limits.maxReplyBytes - (req.overheadBytes ?? 0);
    if (req.ids !== undefined) return ok(await itemsById(node.value.id, req.ids, cutoff, budget, view));
    const limit = Math.max(
      0,
      Math.min(
        req.max ?? limits.maxItemsPerPage,
        req.rsmMax ?? limits.maxItemsPerPage,
        limits.maxItemsPerPage,
      ),
    );
    const page = await pageOf(node.value.id, req, limit, cutoff);
    if (!page.cursorFound) return fail("item-not-found"); // XEP-0059 §2.5: unknown cursor
    // max_items (§6.5.7): only the newest `max` items are in this result set.
    const total = req.max === undefined ? page.total : Math.min(page.total, req.max);
    let list = view(page.items.slice(0, Math.max(0, total - page.firstIndex)));
    // A page backwards keeps the items next to its cursor; any other keeps the first ones.
    const backwards = req.before !== undefined;
    const n = fitting(list, budget, backwards);
    const firstIndex = backwards ? page.firstIndex + list.length - n : page.firstIndex;
    list = backwards ? list.slice(list.length - n) : list.slice(0, n);
    return ok({ items: list, total, firstIndex });
  }

  /** The store's page for a request: from a cursor, the newest items, the last page or an index. */
  async function pageOf(node: string, req: ItemsRequest, limit: number, cutoff: number | undefined) {
    const base = cutoff === undefined ? {} : { publishedAfter: cutoff };
    if (req.before === "") {
      // XEP-0059 §2.5: the last page of the result set (max_items bounds the set).
      const { total } = await ctx.store.getItems(node, { limit: 0, ...base });
      const size = req.max === undefined ? total : Math.min(total, req.max);
      return pageAt(node, Math.max(0, size - limit), limit, base);
    }
    if (req.index !== undefined) return pageAt(node, req.index, limit, base); // XEP-0059 §2.4
    return ctx.store.getItems(node, {
      limit,
      ...(req.after !== undefined && { after: req.after }),
      ...(req.before !== undefined && { before: req.before }),
      ...base,
    });
  }

  /** The page starting at `offset` (newest first). The store pages from a cursor or from the
   * newest item only, so the cursor is found by walking pages of maxItemsPerPage. */
  async function pageAt(node: string, offset: number, limit: number, base: { publishedAfter?: number }) {
    let skipped = 0;
    let after: string | undefined;
    while (skipped < offset) {
      const step = Math.min(limits.maxItemsPerPage, offset - skipped);
      const chunk = await ctx.store.getItems(node, {
        limit: step,
        ...base,
        ...(after !== undefined && { after }),
      });
      const last = chunk.items[chunk.items.length - 1];
      if (!last) break;
      skipped += chunk.items.length;
      after = last.id;
    }
    const page = await ctx.store.getItems(node, { limit, ...base, ...(after !== undefined && { after }) });
    // An item removed during the walk leaves a shorter page, never an error the client caused.
    return { ...page, firstIndex: skipped, cursorFound: true };
  }

  async function itemsById(
    node: string,
    ids: string[],
    cutoff: number | undefined,
    budget: number,
    view: (items: StoredItem[]) => StoredItem[],
  ): Promise<ItemsResult> {
    let found: StoredItem[] = [];
    for (const id of ids.slice(0, limits.maxItemsPerPage)) {
      const item = await ctx.store.getItem(node, id);
      if (item && (cutoff === undefined || item.published >= cutoff)) found.push(item);
    }
    found = view(found);
    // Cut by bytes like any page; the RSM count tells the client that some were left out.
    return { items: found.slice(0, fitting(found, budget, false)), total: found.length, firstIndex: 0 };
  }

  /** False when a publish from `from` would be refused for its rate now (takes no token). */
  function publishAdmitted(from: string): boolean {
    const actor = actorOf(from);
    return !actor.ok || ctx.admins.has(actor.value.bare) || ctx.limiter.peek(actor.value.bare);
  }

  return { publish, publishAdmitted, retract, items };
}
