/* Access models on top of the capabilities table: who may subscribe and retrieve items.
 * References: XEP-0060 §4.5 (access models), §6.1.3 (subscribe errors), §6.5.9 (items errors). */

import { may } from "./capabilities";
import type { Affiliation, NodeRecord, SubscriptionRecord } from "./storage/types";
import { type Fail, fail } from "./types";

const AFFILIATED: ReadonlySet<Affiliation> = new Set(["owner", "publisher", "member"]);

/** Access-model failures for an unaffiliated entity, shared by subscribe and retrieve. */
function modelFailure(node: NodeRecord): Fail | undefined {
  switch (node.config.accessModel) {
    case "whitelist":
      return fail("closed-node"); // §6.1.3.4, §6.5.9.6
    case "presence":
      return fail("presence-subscription-required"); // §6.1.3.2 (never configured: see node-config.ts)
    case "roster":
      return fail("not-in-roster-group"); // §6.1.3.3
    default:
      return undefined;
  }
}

/** The state a new subscription gets, or why there is none. */
export function subscribeDecision(
  node: NodeRecord,
  affiliation: Affiliation,
): Fail | "subscribed" | "pending" {
  if (!may(affiliation, "subscribe")) return fail("forbidden"); // §6.1.3.8 outcast, publish-only
  if (AFFILIATED.has(affiliation)) return "subscribed";
  const refused = modelFailure(node);
  if (refused) return refused;
  return node.config.accessModel === "authorize" ? "pending" : "subscribed";
}

/** Undefined when the entity may retrieve items of the node. */
export function retrieveFailure(
  node: NodeRecord,
  affiliation: Affiliation,
  subscription: SubscriptionRecord | undefined,
): Fail | undefined {
  if (!may(affiliation, "retrieve-items")) return fail("forbidden"); // §6.5.9.8
  if (AFFILIATED.has(affiliation)) return undefined;
  const refused = modelFailure(node);
  if (refused) return refused;
  if (node.config.accessModel === "authorize" && subscription?.state !== "subscribed") {
    return fail("subscription-required"); // §6.5.9.3
  }
  return undefined;
}
