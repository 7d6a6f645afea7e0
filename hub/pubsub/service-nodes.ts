/* Node lifecycle: create (with configuration, instant nodes), configure, delete, purge.
 * References: XEP-0060 §8.1 (create), §8.2 (configure), §8.4 (delete), §8.5 (purge). Who may
 * create what, and a new node's defaults and first affiliations, also come from the injected
 * rules (rules.ts). */

import type { Jid } from "../../shared/jid";
import { actorOf, affiliationOf, loadNode, recipientsOf, type ServiceContext } from "./context";
import { defaultConfigFor, effectiveMaxItems, validateConfig } from "./node-config";
import type { NodeConfig } from "./storage/types";
import { fail, ok, type Result } from "./types";

const NODE_ID_RE = /^[^\p{Cc}]{1,1023}$/u;

/** Node-creation policy: admins anywhere, then the injected rules, then local users when allowed. */
export function mayCreate(ctx: ServiceContext, actor: Jid, node: string | undefined): boolean {
  if (ctx.admins.has(actor.bare)) return true;
  const decided = ctx.rules.mayCreate(actor, node);
  if (decided !== undefined) return decided;
  return ctx.config.allowLocalUsers && actor.local !== "" && actor.domain === ctx.config.domain.toLowerCase();
}

/** The normalised full JID of a sender already checked by actorOf(). */
const actorJid = (from: string): string => {
  const actor = actorOf(from);
  return actor.ok ? actor.value.full : from;
};

export function createNodeOps(ctx: ServiceContext) {
  const ownerOnly = async (from: string, id: string | undefined) => {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const node = await loadNode(ctx, id);
    if (!node.ok) return node;
    const affiliation = await affiliationOf(ctx, node.value.id, actor.value.bare);
    return affiliation === "owner" ? node : fail("forbidden"); // §8.2.3.2, §8.4.3.1, §8.5.3.2
  };

  async function create(
    from: string,
    id?: string,
    changes: Partial<NodeConfig> = {},
  ): Promise<Result<string>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    if (id !== undefined && !NODE_ID_RE.test(id)) return fail("bad-request");
    if (!mayCreate(ctx, actor.value, id)) return fail("forbidden"); // §8.1.3.2
    const node = id ?? `instant-${ctx.newId()}`; // §8.1.2 instant node
    const { nodeDefaults, limits } = ctx.config;
    const defaults = defaultConfigFor(node, nodeDefaults, limits.maxItemsCeiling, ctx.rules);
    const config = validateConfig({ ...defaults, ...changes }, limits);
    if (!config.ok) return config;
    const owner = actor.value.bare;
    const record = { id: node, config: config.value, creator: owner, created: ctx.clock.now() };
    // The quota is checked and taken in the store's write: pipelined creates cannot exceed it.
    const maxOwned = ctx.admins.has(owner) ? undefined : ctx.config.limits.maxNodesPerOwner;
    const created = await ctx.store.createNode(record, owner, maxOwned);
    if (created === "quota") return fail("max-nodes-exceeded");
    if (!created) return fail("conflict"); // §8.1.3.3
    const others = ctx.rules.initialAffiliations(node, owner).filter((a) => a.jid !== owner);
    for (const { jid, affiliation } of others) await ctx.store.setAffiliation(node, jid, affiliation);
    await ctx.events.emit({ type: "created", node, owner, config: config.value });
    for (const a of others) await ctx.events.emit({ type: "affiliation-changed", node, ...a });
    return ok(node);
  }

  async function getConfig(from: string, id: string | undefined): Promise<Result<NodeConfig>> {
    const node = await ownerOnly(from, id);
    return node.ok ? ok(node.value.config) : node;
  }

  async function configure(
    from: string,
    id: string | undefined,
    changes: Partial<NodeConfig>,
  ): Promise<Result<void>> {
    const node = await ownerOnly(from, id);
    if (!node.ok) return node;
    const config = validateConfig({ ...node.value.config, ...changes }, ctx.config.limits);
    if (!config.ok) return config;
    await ctx.store.setNodeConfig(node.value.id, config.value);
    const before = effectiveMaxItems(node.value.config, ctx.config.limits);
    const after = effectiveMaxItems(config.value, ctx.config.limits);
    if (after < before) await ctx.store.trimItems(node.value.id, after);
    if (config.value.notifyConfig) {
      const recipients = await recipientsOf(ctx, node.value.id, config.value);
      ctx.broadcaster.broadcast({ type: "config", node: node.value.id, recipients }); // pubsub#notify_config
    }
    await ctx.events.emit({
      type: "configured",
      node: node.value.id,
      actor: actorJid(from),
      config: config.value,
    });
    return ok(undefined);
  }

  async function deleteNode(from: string, id: string | undefined, redirect?: string): Promise<Result<void>> {
    const node = await ownerOnly(from, id);
    if (!node.ok) return node;
    const { config } = node.value;
    const recipients = config.notifyDelete ? await recipientsOf(ctx, node.value.id, config) : [];
    await ctx.store.deleteNode(node.value.id);
    const event = { type: "delete" as const, node: node.value.id, recipients };
    ctx.broadcaster.broadcast(redirect === undefined ? event : { ...event, redirect }); // §8.4.2
    const deleted = { type: "node-deleted" as const, node: node.value.id, actor: actorJid(from) };
    await ctx.events.emit(redirect === undefined ? deleted : { ...deleted, redirect });
    return ok(undefined);
  }

  async function purge(from: string, id: string | undefined): Promise<Result<void>> {
    const node = await ownerOnly(from, id);
    if (!node.ok) return node;
    if (!node.value.config.persistItems) return fail("unsupported", "persistent-items"); // §8.5.3.3
    await ctx.store.purgeItems(node.value.id);
    const recipients = await recipientsOf(ctx, node.value.id, node.value.config);
    ctx.broadcaster.broadcast({ type: "purge", node: node.value.id, recipients }); // §8.5.2
    await ctx.events.emit({ type: "purged", node: node.value.id, actor: actorJid(from) });
    return ok(undefined);
  }

  return { create, getConfig, configure, deleteNode, purge };
}
