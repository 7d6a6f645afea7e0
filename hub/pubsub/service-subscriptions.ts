/* Subscriptions by the subscriber: subscribe, unsubscribe, options, own lists.
 * References: XEP-0060 §6.1 (subscribe), §6.2 (unsubscribe), §6.3 (options), §6.1.7 and
 * pubsub#send_last_published_item, §5.6 (own subscriptions), §5.7 (own affiliations). */

import { type Jid, normalizeJid } from "../../shared/jid";
import { subscribeDecision } from "./access";
import { actorOf, affiliationOf, loadNode, type ServiceContext } from "./context";
import { askedEncoding, encodingAllowed } from "./encodings";
import { ENCODING_OPTION, type NodeRules } from "./rules";
import type { Affiliation, NodeRecord, SubscriptionRecord } from "./storage/types";
import { type Fail, fail, ok, type Result } from "./types";

export type SubscriptionOptions = Record<string, string[]>;

const DEFAULT_OPTIONS: SubscriptionOptions = { "pubsub#deliver": ["true"] };
const BOOLEAN = new Set(["true", "false", "1", "0"]);

/** pubsub#deliver (§6.3), and ENCODING_OPTION on a node whose rule offers encodings
 * (encodings.ts); anything else is an invalid options form. */
export function validateOptions(
  options: SubscriptionOptions,
  rules: Required<NodeRules>,
  node: string,
): Fail | undefined {
  for (const [key, values] of Object.entries(options)) {
    const good =
      key === "pubsub#deliver"
        ? values.length === 1 && BOOLEAN.has(values[0] as string)
        : key === ENCODING_OPTION && encodingAllowed(rules, node, values);
    if (!good) return fail("invalid-options"); // §6.3.6.2
  }
  return undefined;
}

export function createSubscriptionOps(ctx: ServiceContext) {
  /** The subscriber named by `jid`, which must be the sender's own (bare or full) JID. */
  function ownJid(actor: Jid, jid: string | undefined, mismatch: "invalid-jid" | "forbidden"): Result<Jid> {
    if (jid === undefined) return fail("jid-required");
    const subscriber = normalizeJid(jid);
    if (!subscriber) return fail("invalid-jid");
    // §6.1.3.1 / §6.2.3.3: the bare JIDs must match (admins may act for others).
    if (subscriber.bare !== actor.bare && !ctx.admins.has(actor.bare)) return fail(mismatch);
    return ok(subscriber);
  }

  async function existing(from: string, nodeId: string | undefined, jid: string | undefined, subid?: string) {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const subscriber = ownJid(actor.value, jid, "forbidden");
    if (!subscriber.ok) return subscriber;
    const node = await loadNode(ctx, nodeId);
    if (!node.ok) return node;
    const sub = await ctx.store.getSubscription(node.value.id, subscriber.value.full);
    if (!sub) return fail("not-subscribed"); // §6.2.3.2, §6.3.4.2
    if (subid !== undefined && subid !== sub.subid) return fail("invalid-subid"); // §6.2.3.5
    return ok(sub);
  }

  async function subscribe(
    from: string,
    nodeId: string | undefined,
    jid: string | undefined,
    options: SubscriptionOptions = {},
  ): Promise<Result<SubscriptionRecord>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const subscriber = ownJid(actor.value, jid, "invalid-jid");
    if (!subscriber.ok) return subscriber;
    const node = await loadNode(ctx, nodeId);
    if (!node.ok) return node; // §6.1.3.11
    const badOptions = validateOptions(options, ctx.rules, node.value.id);
    if (badOptions) return badOptions;
    const current = await ctx.store.getSubscription(node.value.id, subscriber.value.full);
    if (current?.state === "pending") return fail("pending-subscription"); // §6.1.3.7
    if (current) return ok(current); // §6.1.6: already subscribed, the existing subscription
    const affiliation = await affiliationOf(ctx, node.value.id, subscriber.value.bare);
    const decision = subscribeDecision(node.value, affiliation);
    if (typeof decision !== "string") return decision;
    const sub: SubscriptionRecord = {
      node: node.value.id,
      jid: subscriber.value.full,
      subid: ctx.newId(),
      state: decision,
      options: { ...DEFAULT_OPTIONS, ...options },
    };
    // The quota is checked and taken in the store's write: pipelined subscribes cannot exceed it.
    const added = await ctx.store.addSubscription(sub, ctx.config.limits.maxSubscriptionsPerNode);
    if (added.status === "quota") return fail("too-many-subscriptions");
    if (added.status === "exists") {
      // A concurrent subscribe of the same JID won: answer as §6.1.7 / §6.1.6 above.
      return added.existing.state === "pending" ? fail("pending-subscription") : ok(added.existing);
    }
    await ctx.events.emit({
      type: "subscription-changed",
      node: sub.node,
      jid: sub.jid,
      state: sub.state,
      subid: sub.subid,
    });
    if (decision === "pending") await askOwners(node.value, sub);
    else await sendLastItem(node.value, sub);
    return ok(sub);
  }

  async function askOwners(node: NodeRecord, sub: SubscriptionRecord): Promise<void> {
    const affiliations = await ctx.store.getAffiliations(node.id);
    const owners = [...affiliations].filter(([, a]) => a === "owner").map(([j]) => j);
    ctx.broadcaster.broadcast({
      type: "authorization",
      node: node.id,
      owners,
      subscriber: sub.jid,
      subid: sub.subid,
    });
  }

  /** pubsub#send_last_published_item = on_sub: the newest item, marked as delivered late. */
  async function sendLastItem(node: NodeRecord, sub: SubscriptionRecord): Promise<void> {
    if (node.config.sendLastPublishedItem !== "on_sub" || sub.options["pubsub#deliver"]?.[0] === "false")
      return;
    const last = await ctx.store.lastItem(node.id);
    const encoding = askedEncoding(ctx.rules, node.id, sub.options);
    const cutoff = node.config.itemExpire > 0 ? ctx.clock.now() - node.config.itemExpire * 1000 : undefined;
    if (!last || (cutoff !== undefined && last.published < cutoff)) return;
    ctx.broadcaster.broadcast({
      type: "items",
      node: node.id,
      items: [last],
      recipients: [{ jid: sub.jid, subid: sub.subid, ...(encoding !== undefined && { encoding }) }],
      payloads: node.config.deliverPayloads,
      delayed: true,
      messageType: node.config.notificationType,
    });
  }

  async function unsubscribe(
    from: string,
    nodeId: string | undefined,
    jid: string | undefined,
    subid?: string,
  ) {
    const sub = await existing(from, nodeId, jid, subid);
    if (!sub.ok) return sub;
    await removed(sub.value);
    return ok(undefined);
  }

  async function getOptions(
    from: string,
    nodeId: string | undefined,
    jid: string | undefined,
    subid?: string,
  ) {
    const sub = await existing(from, nodeId, jid, subid);
    if (!sub.ok) return sub;
    const options = { ...DEFAULT_OPTIONS, ...sub.value.options };
    return ok({ options, encodings: ctx.rules.encodings(sub.value.node) });
  }

  async function setOptions(
    from: string,
    nodeId: string | undefined,
    jid: string | undefined,
    options: SubscriptionOptions,
    subid?: string,
  ): Promise<Result<void>> {
    const sub = await existing(from, nodeId, jid, subid);
    if (!sub.ok) return sub;
    const bad = validateOptions(options, ctx.rules, sub.value.node);
    if (bad) return bad;
    await ctx.store.putSubscription({ ...sub.value, options: { ...sub.value.options, ...options } });
    return ok(undefined);
  }

  /** §5.6: the sender's subscriptions (every resource of its bare JID), optionally on one node. */
  async function mySubscriptions(from: string, nodeId?: string): Promise<Result<SubscriptionRecord[]>> {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const subs = await ctx.store.subscriptionsOf(actor.value.bare);
    return ok(nodeId === undefined ? subs : subs.filter((s) => s.node === nodeId));
  }

  /** §5.7: the sender's affiliations, optionally on one node. */
  async function myAffiliations(from: string, nodeId?: string) {
    const actor = actorOf(from);
    if (!actor.ok) return actor;
    const affs: Array<{ node: string; affiliation: Affiliation }> = await ctx.store.affiliationsOf(
      actor.value.bare,
    );
    return ok(nodeId === undefined ? affs : affs.filter((a) => a.node === nodeId));
  }

  /** Removes every subscription of exactly this JID (its address permanently fails). */
  async function dropSubscriber(jid: string): Promise<number> {
    const target = normalizeJid(jid);
    if (!target) return 0;
    const subs = (await ctx.store.subscriptionsOf(target.full)).filter((s) => s.jid === target.full);
    for (const sub of subs) await removed(sub);
    return subs.length;
  }

  async function removed(sub: SubscriptionRecord): Promise<void> {
    if (!(await ctx.store.removeSubscription(sub.node, sub.jid))) return;
    await ctx.events.emit({ type: "subscription-changed", node: sub.node, jid: sub.jid, state: "none" });
  }

  return {
    subscribe,
    unsubscribe,
    getOptions,
    setOptions,
    mySubscriptions,
    myAffiliations,
    sendLastItem,
    dropSubscriber,
  };
}
