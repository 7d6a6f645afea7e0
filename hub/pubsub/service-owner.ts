/* Owner use cases: managing subscriptions and affiliations, approving pending subscriptions,
 * and removing the subscriptions of those who lost access.
 * References: XEP-0060 §8.6 (approve subscription requests), §8.8 (manage subscriptions, §8.8.4
 * the subscriber is told), §8.9 (manage affiliations), §4.1 (an outcast has no subscription),
 * §4.5 and §13.2 (only authorized entities receive notifications); bjc/prosody util/pubsub.lua
 * (set_affiliation and set_node_config unsubscribe whoever may no longer be subscribed).
 *
 * Whenever an affiliation or the access model changes, every subscription whose holder could not
 * subscribe now (subscribeDecision fails: outcast, publish-only, "none" on a whitelist node, …)
 * is removed and its holder gets the subscription='none' notification. The service waits for its
 * `configured` listeners before it answers, so the configure result follows the removal. */

import { bareOf, type Jid, normalizeJid } from "../../shared/jid";
import { subscribeDecision } from "./access";
import { actorOf, affiliationOf, loadNode, type ServiceContext } from "./context";
import type { Affiliation, NodeRecord, SubscriptionRecord } from "./storage/types";
import { fail, ok, type Result } from "./types";

export interface SubscriptionChange {
  jid: string;
  state: "subscribed" | "none";
}
export interface AffiliationChange {
  jid: string;
  affiliation: Affiliation;
}

/** One stored change to a subscription. */
type Effect = { put: SubscriptionRecord; remove?: undefined } | { remove: string; put?: undefined };

const AFFILIATIONS: ReadonlySet<string> = new Set([
  "owner",
  "publisher",
  "publish-only",
  "member",
  "none",
  "outcast",
]);

export function createOwnerOps(
  ctx: ServiceContext,
  sendLastItem: (node: NodeRecord, sub: SubscriptionRecord) => Promise<void>,
) {
  async function asOwner(from: string, nodeId: string | undefined): Promise<Result<NodeRecord>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const node = await loadNode(ctx, nodeId);
    if (!node.ok) return node;
    const affiliation = await affiliationOf(ctx, node.value.id, actor.value.bare);
    return affiliation === "owner" ? node : fail("forbidden"); // §8.8.1, §8.9.1: owners only
  }

  function parseJids<T extends { jid: string }>(changes: T[]): Result<Array<T & { parsed: Jid }>> {
    const out: Array<T & { parsed: Jid }> = [];
    for (const change of changes) {
      const parsed = normalizeJid(change.jid);
      if (!parsed) return fail("invalid-jid");
      out.push({ ...change, parsed });
    }
    return ok(out);
  }

  async function subscriptions(from: string, nodeId: string | undefined) {
    const node = await asOwner(from, nodeId);
    return node.ok ? ok(await ctx.store.getSubscriptions(node.value.id)) : node;
  }

  /** What setting `jid`'s subscription to `state` changes: a record to put, a JID to remove,
   * or nothing. */
  async function plan(
    node: NodeRecord,
    jid: string,
    state: "subscribed" | "none",
  ): Promise<Effect | undefined> {
    const current = await ctx.store.getSubscription(node.id, jid);
    if (state === "none") return current ? { remove: jid } : undefined;
    if (current?.state === "subscribed") return undefined;
    const sub: SubscriptionRecord = current
      ? { ...current, state: "subscribed" }
      : {
          node: node.id,
          jid,
          subid: ctx.newId(),
          state: "subscribed",
          options: { "pubsub#deliver": ["true"] },
        };
    return { put: sub };
  }

  /** Stores every effect in one write (all or none), then tells each subscriber (§8.8.4) and
   * sends the last item to each new one. */
  async function apply(node: NodeRecord, effects: Effect[]): Promise<void> {
    if (effects.length === 0) return;
    const put = effects.flatMap((e) => (e.put ? [e.put] : []));
    const remove = effects.flatMap((e) => (e.remove ? [e.remove] : []));
    await ctx.store.changeSubscriptions(node.id, put, remove);
    for (const jid of remove) {
      ctx.broadcaster.broadcast({ type: "subscription", node: node.id, jid, state: "none" });
      await ctx.events.emit({ type: "subscription-changed", node: node.id, jid, state: "none" });
    }
    for (const sub of put) {
      const change = { node: node.id, jid: sub.jid, state: "subscribed" as const, subid: sub.subid };
      ctx.broadcaster.broadcast({ type: "subscription", ...change });
      await ctx.events.emit({ type: "subscription-changed", ...change });
      await sendLastItem(node, sub);
    }
  }

  async function modifySubscriptions(
    from: string,
    nodeId: string | undefined,
    changes: SubscriptionChange[],
  ): Promise<Result<void>> {
    const node = await asOwner(from, nodeId);
    if (!node.ok) return node;
    const parsed = parseJids(changes);
    if (!parsed.ok) return parsed;
    // §8.8.2: the last change for a JID wins; nothing is stored unless every change may be.
    const last = new Map(parsed.value.map((c) => [c.parsed.full, c]));
    const effects: Effect[] = [];
    for (const [jid, change] of last) {
      if (change.state === "subscribed") {
        // An owner may subscribe only whom the node's access model would let subscribe (an owner's
        // act is the approval, so "pending" is fine): no outcast, no stranger to a whitelist (§4.5).
        const decision = subscribeDecision(
          node.value,
          await affiliationOf(ctx, node.value.id, change.parsed.bare),
        );
        if (typeof decision !== "string") return decision;
      }
      const effect = await plan(node.value, jid, change.state);
      if (effect) effects.push(effect);
    }
    await apply(node.value, effects);
    return ok(undefined);
  }

  async function affiliations(from: string, nodeId: string | undefined) {
    const node = await asOwner(from, nodeId);
    return node.ok ? ok(await ctx.store.getAffiliations(node.value.id)) : node;
  }

  async function modifyAffiliations(
    from: string,
    nodeId: string | undefined,
    changes: AffiliationChange[],
  ): Promise<Result<void>> {
    const node = await asOwner(from, nodeId);
    if (!node.ok) return node;
    const parsed = parseJids(changes);
    if (!parsed.ok) return parsed;
    if (parsed.value.some((c) => !AFFILIATIONS.has(c.affiliation))) return fail("bad-request");
    const before = await ctx.store.getAffiliations(node.value.id);
    const after = new Map(before);
    for (const c of parsed.value) after.set(c.parsed.bare, c.affiliation);
    // §8.9.2: a node is never left without an owner.
    if (![...after.values()].includes("owner")) return fail("not-acceptable");
    // One write for the whole request: never half applied, not even on a full disk.
    await ctx.store.setAffiliations(
      node.value.id,
      parsed.value.map((c) => ({ jid: c.parsed.bare, affiliation: c.affiliation })),
    );
    for (const c of parsed.value) {
      const jid = c.parsed.bare;
      if ((before.get(jid) ?? "none") !== c.affiliation) {
        before.set(jid, c.affiliation); // the same JID twice in one request changes once per value
        await ctx.events.emit({
          type: "affiliation-changed",
          node: node.value.id,
          jid,
          affiliation: c.affiliation,
        });
      }
    }
    await dropLostAccess(node.value, new Set(parsed.value.map((c) => c.parsed.bare)));
    return ok(undefined);
  }

  /** Removes (and tells) every subscription, of `only` these bare JIDs when given, whose holder
   * may not subscribe to the node as it is now (§4.1 outcasts, §4.5 access models). */
  async function dropLostAccess(node: NodeRecord, only?: ReadonlySet<string>): Promise<number> {
    const subs = [...(await ctx.store.getSubscriptions(node.id))];
    const effects: Effect[] = [];
    for (const sub of subs) {
      const bare = bareOf(sub.jid);
      if (only && !only.has(bare)) continue;
      const decision = subscribeDecision(node, await affiliationOf(ctx, node.id, bare));
      if (typeof decision !== "string") effects.push({ remove: sub.jid });
    }
    await apply(node, effects); // §8.8.4: each subscriber is told
    return effects.length;
  }

  // An access-model change (§8.2) may take access from subscribers without an affiliation.
  ctx.events.on("configured", async (e) => {
    const node = await ctx.store.getNode(e.node);
    if (node) await dropLostAccess(node);
  });

  /** §8.6: an owner's answer to an authorization request. */
  async function authorize(
    from: string,
    nodeId: string | undefined,
    subscriber: string,
    allow: boolean,
  ): Promise<Result<void>> {
    const node = await asOwner(from, nodeId);
    if (!node.ok) return node;
    const jid = normalizeJid(subscriber);
    if (!jid) return fail("invalid-jid");
    const current = await ctx.store.getSubscription(node.value.id, jid.full);
    if (current?.state !== "pending") return fail("item-not-found");
    const effect = await plan(node.value, jid.full, allow ? "subscribed" : "none");
    await apply(node.value, effect ? [effect] : []);
    return ok(undefined);
  }

  return { subscriptions, modifySubscriptions, affiliations, modifyAffiliations, authorize, dropLostAccess };
}
