/* What each affiliation may do, and which affiliation an entity without one has on a node of
 * each access model: policy as data, read by one may().
 * References: XEP-0060 §4.1 (Table 4: affiliations and their privileges), §4.5 (access models),
 * §6.1.3 (subscribe errors), §6.5.9 (retrieve-items errors); bjc/prosody util/pubsub.lua
 * (capabilities table, get_default_affiliation) for the shape. */
import type { ErrorCode } from "../../shared/xmpp/errors";
import type { AccessModel, Affiliation } from "./storage/types";

export type Action =
  | "subscribe"
  /** A new subscription is active at once; without this right it waits for an owner (§8.6). */
  | "subscribe-without-approval"
  | "retrieve-items"
  | "publish"
  | "retract-any"
  | "retract-own"
  | "purge"
  | "configure"
  | "delete"
  | "manage-subscriptions"
  | "manage-affiliations"
  | "view-meta";

/** An entity without an affiliation acts with the one its node's access model gives it. */
export const CAPABILITIES: Readonly<Record<Affiliation, ReadonlySet<Action>>> = {
  owner: new Set<Action>([
    "subscribe",
    "subscribe-without-approval",
    "retrieve-items",
    "publish",
    "retract-any",
    "retract-own",
    "purge",
    "configure",
    "delete",
    "manage-subscriptions",
    "manage-affiliations",
    "view-meta",
  ]),
  // XEP-0060 Table 4 footnote leaves it open whether a publisher may delete any item; here a
  // publisher changes (replaces or retracts) only its own items, and only an owner any item.
  publisher: new Set<Action>([
    "subscribe",
    "subscribe-without-approval",
    "retrieve-items",
    "publish",
    "retract-own",
    "view-meta",
  ]),
  "publish-only": new Set<Action>(["publish", "retract-own", "view-meta"]),
  member: new Set<Action>(["subscribe", "subscribe-without-approval", "retrieve-items", "view-meta"]),
  // Table 4: "none" may subscribe but not retrieve items.
  none: new Set<Action>(["subscribe", "view-meta"]),
  outcast: new Set<Action>(),
};

export function may(affiliation: Affiliation, action: Action): boolean {
  return CAPABILITIES[affiliation].has(action);
}

export interface AccessRule {
  /** The affiliation an entity without one acts with. */
  unaffiliated: Affiliation;
  /** The affiliation it acts with once its subscription is approved, when that differs. */
  subscribed?: Affiliation;
  /** What it is told when the model refuses it (an affiliated entity hears "forbidden"). */
  refusal: ErrorCode;
}

/** XEP-0060 §4.5, one row per access model. Presence and roster nodes cannot be configured
 * (node-config.ts: a component cannot read rosters), so nobody unaffiliated passes them. */
export const ACCESS_MODELS: Readonly<Record<AccessModel, AccessRule>> = {
  open: { unaffiliated: "member", refusal: "forbidden" },
  authorize: { unaffiliated: "none", subscribed: "member", refusal: "subscription-required" }, // §6.5.9.3
  whitelist: { unaffiliated: "outcast", refusal: "closed-node" }, // §6.1.3.4, §6.5.9.6
  presence: { unaffiliated: "outcast", refusal: "presence-subscription-required" }, // §6.1.3.2, §6.5.9.4
  roster: { unaffiliated: "outcast", refusal: "not-in-roster-group" }, // §6.1.3.3, §6.5.9.5
};

/** The affiliation `affiliation` acts with on a node of `model` (with or without an approved
 * subscription): its own, or for "none" the access model's. */
export function standingOf(model: AccessModel, affiliation: Affiliation, subscribed = false): Affiliation {
  if (affiliation !== "none") return affiliation;
  const rule = ACCESS_MODELS[model];
  return subscribed ? (rule.subscribed ?? rule.unaffiliated) : rule.unaffiliated;
}

/** The error for an action refused to `affiliation` on a node of `model`. */
export const refusalOf = (model: AccessModel, affiliation: Affiliation): ErrorCode =>
  affiliation === "none" ? ACCESS_MODELS[model].refusal : "forbidden";
