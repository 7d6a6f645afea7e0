/* The pure PubSub service: nodes, items, subscriptions and affiliations over a store, with
 * notifications handed to a broadcaster and typed events (events.ts) to listeners. Policies
 * beyond XEP-0060 come in as rules (rules.ts). No XML here; every expected failure is a value.
 * References: XEP-0060 (the use cases live in service-*.ts), XEP-0030 §3 (node metadata). */

import { mayView, retrieveFailure } from "./access";
import {
  actorOf,
  affiliationOf,
  createContext,
  expiryCutoff,
  loadNode,
  type ServiceDeps,
  subscriptionFor,
} from "./context";
import type { ServiceEvents } from "./events";
import { defaultConfigFor } from "./node-config";
import { createItemOps } from "./service-items";
import { createNodeOps } from "./service-nodes";
import { createOwnerOps } from "./service-owner";
import { createSubscriptionOps } from "./service-subscriptions";
import type { NodeRecord } from "./storage/types";
import { fail, ok, type Result } from "./types";

export interface NodeMeta {
  node: NodeRecord;
  owners: string[];
  publishers: string[];
  itemCount: number;
}

export function createPubsubService(deps: ServiceDeps) {
  const ctx = createContext(deps);
  const nodes = createNodeOps(ctx);
  const items = createItemOps(ctx);
  const subs = createSubscriptionOps(ctx);
  const owner = createOwnerOps(ctx, subs.sendLastItem);

  /** XEP-0060 §5.4: node metadata; hidden from outcasts, and on whitelist nodes from everyone
   * without an affiliation (the node list hides those nodes from them too, §5.2). */
  async function nodeMeta(from: string, nodeId: string | undefined): Promise<Result<NodeMeta>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const node = await loadNode(ctx, nodeId);
    if (!node.ok) return node;
    const affiliation = await affiliationOf(ctx, node.value.id, actor.value.bare);
    if (!mayView(node.value, affiliation)) return fail("item-not-found");
    const affs = [...(await ctx.store.getAffiliations(node.value.id))];
    const page = await ctx.store.getItems(node.value.id, { limit: 0 });
    return ok({
      node: node.value,
      owners: affs.filter(([, a]) => a === "owner").map(([j]) => j),
      publishers: affs.filter(([, a]) => a === "publisher").map(([j]) => j),
      itemCount: page.total,
    });
  }

  /** XEP-0060 §5.5: item ids of a node (newest first, one page), for those who may read it. */
  async function nodeItemIds(from: string, nodeId: string | undefined): Promise<Result<string[]>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const node = await loadNode(ctx, nodeId);
    if (!node.ok) return node;
    const affiliation = await affiliationOf(ctx, node.value.id, actor.value.bare);
    const refused = retrieveFailure(
      node.value,
      affiliation,
      await subscriptionFor(ctx, node.value.id, actor.value),
    );
    if (refused) return refused;
    const cutoff = expiryCutoff(ctx, node.value.config);
    const page = await ctx.store.getItems(node.value.id, {
      limit: ctx.config.limits.maxItemsPerPage,
      ...(cutoff !== undefined && { publishedAfter: cutoff }),
    });
    return ok(page.items.map((i) => i.id));
  }

  /** XEP-0060 §5.2: the nodes an entity may know about (whitelist nodes only to affiliates). */
  async function listNodes(from: string): Promise<Result<NodeRecord[]>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const all = await ctx.store.listNodes();
    if (ctx.admins.has(actor.value.bare)) return ok(all);
    const mine = new Map(
      (await ctx.store.affiliationsOf(actor.value.bare)).map((a) => [a.node, a.affiliation]),
    );
    return ok(all.filter((n) => mayView(n, mine.get(n.id) ?? "none")));
  }

  /** pubsub#item_expire: removes expired items from every node that expires items. */
  async function sweepExpired(): Promise<number> {
    let removed = 0;
    for (const node of await ctx.store.listNodes()) {
      const cutoff = expiryCutoff(ctx, node.config);
      if (cutoff !== undefined) removed += (await ctx.store.expireItems(node.id, cutoff)).length;
    }
    return removed;
  }

  return {
    /** What changed, once durable (events.ts); listeners come and go with their owner. */
    events: { on: ctx.events.on, off: ctx.events.off } as ServiceEvents,
    ...nodes,
    ...items,
    subscribe: subs.subscribe,
    unsubscribe: subs.unsubscribe,
    getOptions: subs.getOptions,
    setOptions: subs.setOptions,
    mySubscriptions: subs.mySubscriptions,
    myAffiliations: subs.myAffiliations,
    dropSubscriber: subs.dropSubscriber,
    ownerSubscriptions: owner.subscriptions,
    modifySubscriptions: owner.modifySubscriptions,
    ownerAffiliations: owner.affiliations,
    modifyAffiliations: owner.modifyAffiliations,
    authorize: owner.authorize,
    nodeMeta,
    nodeItemIds,
    listNodes,
    sweepExpired,
    /** The service's limits; the edge bounds every reply by `maxReplyBytes`. */
    limits: ctx.config.limits,
    /** The configuration a new node would get (XEP-0060 §8.3). */
    defaultConfig: (node = "") =>
      ok(defaultConfigFor(node, ctx.config.nodeDefaults, ctx.config.limits.maxItemsCeiling, ctx.rules)),
  };
}

export type PubsubService = ReturnType<typeof createPubsubService>;
