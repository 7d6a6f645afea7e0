/* What every part of the PubSub service shares: dependencies and small lookups.
 * References: XEP-0060 §4.1 (affiliations), §4.2 (subscriptions), pubsub#deliver (§6.3),
 * pubsub#item_expire (§16.4.3). */
import { randomUUID } from "node:crypto";
import { type Jid, normalizeJid } from "../../shared/jid";
import { askedEncoding } from "./encodings";
import { createServiceEmitter, type ServiceEmitter, type ServiceEvent } from "./events";
import { createRateLimiter, type RateLimiter } from "./rate-limit";
import { type NodeRules, withGenericRules } from "./rules";
import type { Affiliation, NodeConfig, NodeRecord, PubsubStore, SubscriptionRecord } from "./storage/types";
import {
  type Broadcaster,
  type Clock,
  fail,
  ok,
  type PubsubServiceConfig,
  type Recipient,
  type Result,
} from "./types";

export interface ServiceDeps {
  store: PubsubStore;
  broadcaster: Broadcaster;
  clock: Clock;
  config: PubsubServiceConfig;
  /** Generates item ids, subscription ids and instant node names. */
  newId?: () => string;
  /** Policies beyond XEP-0060 (device nodes, …); default: none. */
  rules?: NodeRules;
  /** A listener of the service's events failed; the change itself stands. Default: ignored. */
  onEventError?: (error: unknown, event: ServiceEvent) => void;
}

export interface ServiceContext {
  store: PubsubStore;
  broadcaster: Broadcaster;
  clock: Clock;
  config: PubsubServiceConfig;
  limiter: RateLimiter;
  newId: () => string;
  admins: ReadonlySet<string>;
  rules: Required<NodeRules>;
  events: ServiceEmitter;
}

export function createContext(deps: ServiceDeps): ServiceContext {
  const { limits } = deps.config;
  const admins = new Set(deps.config.admins.map((a) => normalizeJid(a)?.bare ?? a));
  return {
    store: deps.store,
    broadcaster: deps.broadcaster,
    clock: deps.clock,
    config: deps.config,
    limiter: createRateLimiter(deps.clock, limits.publishRate, limits.publishBurst),
    newId: deps.newId ?? randomUUID,
    admins,
    rules: withGenericRules(deps.rules),
    // Why the default ignores: the composition root passes a logger (hub/pubsub/index.ts); a
    // bare service in a test has no one to tell, and the change is durable either way.
    events: createServiceEmitter(deps.onEventError ?? (() => undefined)),
  };
}

/** The routed sender, normalised; a sender the server let through is always a valid JID. */
export function actorOf(from: string): Result<Jid> {
  const jid = normalizeJid(from);
  return jid ? ok(jid) : fail("invalid-jid");
}

export async function loadNode(ctx: ServiceContext, id: string | undefined): Promise<Result<NodeRecord>> {
  if (id === undefined || id === "") return fail("nodeid-required");
  const node = await ctx.store.getNode(id);
  return node ? ok(node) : fail("item-not-found");
}

/** Affiliation of a bare JID; admins act as owners everywhere. */
export async function affiliationOf(ctx: ServiceContext, node: string, bare: string): Promise<Affiliation> {
  if (ctx.admins.has(bare)) return "owner";
  return ctx.store.getAffiliation(node, bare);
}

/** Subscriptions of `jid` on a node: its own full-JID one and its bare-JID one. */
export async function subscriptionFor(
  ctx: ServiceContext,
  node: string,
  jid: Jid,
): Promise<SubscriptionRecord | undefined> {
  return (
    (await ctx.store.getSubscription(node, jid.full)) ??
    (jid.full === jid.bare ? undefined : await ctx.store.getSubscription(node, jid.bare))
  );
}

const wantsDelivery = (sub: SubscriptionRecord): boolean => {
  const deliver = sub.options["pubsub#deliver"]?.[0];
  return sub.state === "subscribed" && deliver !== "false" && deliver !== "0";
};

/** Who receives notifications of a node right now. */
export async function recipientsOf(
  ctx: ServiceContext,
  node: string,
  config: NodeConfig,
): Promise<Recipient[]> {
  if (!config.deliverNotifications) return [];
  const subs = await ctx.store.getSubscriptions(node);
  const out: Recipient[] = [];
  for (const sub of subs) {
    if (!wantsDelivery(sub)) continue;
    const encoding = askedEncoding(ctx.rules, node, sub.options);
    out.push({ jid: sub.jid, subid: sub.subid, ...(encoding !== undefined && { encoding }) });
  }
  return out;
}

/** Items published before this instant have expired (pubsub#item_expire). */
export const expiryCutoff = (ctx: ServiceContext, config: NodeConfig): number | undefined =>
  config.itemExpire > 0 ? ctx.clock.now() - config.itemExpire * 1000 : undefined;
