/* Items: publish (with and without id, publish-options), retract, retrieval with paging.
 * References: XEP-0060 §7.1 (publish, §7.1.5 publish-options), §7.2 (retract), §6.5 (retrieve
 * items), XEP-0059 (RSM). Which nodes are append-only is the injected itemcheck's call
 * (rules.ts; the hub's device rules make readings nodes append-only). */

import type { Jid } from "../../shared/jid";
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
import { effectiveMaxItems } from "./node-config";
import type { NodeConfig, NodeRecord, StoredItem } from "./storage/types";
import { type Fail, fail, ok, type Result } from "./types";

export interface PublishRequest {
  id?: string;
  /** Serialised payload element; "" when the item carries none. */
  payload: string;
  /** publish-options preconditions (§7.1.5). */
  options?: Partial<NodeConfig>;
}

export interface ItemsRequest {
  ids?: string[];
  /** max_items (§6.5.7). */
  max?: number;
  /** XEP-0059 page size and cursors. */
  rsmMax?: number;
  after?: string;
  before?: string;
}

export interface ItemsResult {
  items: StoredItem[];
  total: number;
  firstIndex: number;
}

const ITEM_ID_RE = /^[^\p{Cc}]{1,1023}$/u;

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

  function checkRequest(node: NodeRecord, actor: Jid, req: PublishRequest): Fail | undefined {
    if (req.id !== undefined && !ITEM_ID_RE.test(req.id)) return fail("bad-request");
    if (req.payload === "" && (node.config.persistItems || node.config.deliverPayloads)) {
      return fail("payload-required"); // §7.1.3.6
    }
    if (Buffer.byteLength(req.payload) > limits.maxPayloadBytes) return fail("payload-too-big"); // §7.1.3.4
    if (req.options && !preconditionsMet(node.config, req.options)) return fail("precondition-not-met"); // §7.1.5
    if (!ctx.admins.has(actor.bare) && !ctx.limiter.take(actor.bare)) return fail("rate-limited");
    return undefined;
  }

  async function publish(
    from: string,
    nodeId: string | undefined,
    req: PublishRequest,
  ): Promise<Result<string>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const node = await loadNode(ctx, nodeId);
    if (!node.ok) return node; // §7.1.3.3
    if (!(await mayPublish(node.value, actor.value))) return fail("forbidden"); // §7.1.3.1
    const refused = checkRequest(node.value, actor.value, req);
    if (refused) return refused;
    const item: StoredItem = {
      id: req.id ?? ctx.newId(),
      payload: req.payload,
      publisher: actor.value.full,
      published: ctx.clock.now(),
    };
    const verdict = ctx.rules.itemcheck(node.value, item);
    if (typeof verdict !== "string") return verdict;
    const stored = await store(node.value, item, verdict === "append-only");
    if (stored !== "stored") return stored === "republished" ? ok(item.id) : stored;
    await notifyItem(node.value, item);
    await ctx.events.emit({ type: "published", node: node.value.id, ...item });
    return ok(item.id);
  }

  /** Stores the item when the node persists items; an append-only node keeps an existing id. */
  async function store(node: NodeRecord, item: StoredItem, appendOnly: boolean) {
    if (!node.config.persistItems) return "stored" as const;
    const put = await ctx.store.putItem(node.id, item, {
      maxItems: effectiveMaxItems(node.config, limits),
      ifAbsent: appendOnly,
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
    if (!may(affiliation, "retract-own")) return fail("forbidden"); // §7.2.3.1
    const item = await ctx.store.getItem(node.value.id, id);
    if (!item) return fail("item-not-found"); // §7.2.3 item does not exist
    const own = item.publisher.split("/")[0] === actor.value.bare;
    if (!own && !may(affiliation, "retract-any")) return fail("forbidden");
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
    const refused = retrieveFailure(
      node.value,
      affiliation,
      await subscriptionFor(ctx, node.value.id, actor.value),
    );
    if (refused) return refused;
    const cutoff = expiryCutoff(ctx, node.value.config);
    if (req.ids !== undefined) return ok(await itemsById(node.value.id, req.ids, cutoff));
    const limit = Math.min(
      req.max ?? limits.maxItemsPerPage,
      req.rsmMax ?? limits.maxItemsPerPage,
      limits.maxItemsPerPage,
    );
    const page = await ctx.store.getItems(node.value.id, {
      limit: Math.max(0, limit),
      ...(req.after !== undefined && { after: req.after }),
      ...(req.before !== undefined && { before: req.before }),
      ...(cutoff !== undefined && { publishedAfter: cutoff }),
    });
    if (!page.cursorFound) return fail("item-not-found"); // XEP-0059 §2.5: unknown cursor
    const total = req.max === undefined ? page.total : Math.min(page.total, req.max);
    return ok({ items: page.items, total, firstIndex: page.firstIndex });
  }

  async function itemsById(node: string, ids: string[], cutoff: number | undefined): Promise<ItemsResult> {
    const found: StoredItem[] = [];
    for (const id of ids.slice(0, limits.maxItemsPerPage)) {
      const item = await ctx.store.getItem(node, id);
      if (item && (cutoff === undefined || item.published >= cutoff)) found.push(item);
    }
    return { items: found, total: found.length, firstIndex: 0 };
  }

  return { publish, retract, items };
}
