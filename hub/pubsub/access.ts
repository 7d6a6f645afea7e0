/* Access decisions over the capabilities and access-model tables: who may subscribe, retrieve
 * items and see a node. No switch on access models here: capabilities.ts holds them as data.
 * References: XEP-0060 §4.5 (access models), §5.2/§5.4 (node discovery and metadata), §6.1.3
 * (subscribe errors), §6.5.9 (items errors). */

import { may, refusalOf, standingOf } from "./capabilities";
import type { Affiliation, NodeRecord, SubscriptionRecord } from "./storage/types";
import { type Fail, fail } from "./types";

/** The state a new subscription gets, or why there is none. */
export function subscribeDecision(
  node: NodeRecord,
  affiliation: Affiliation,
): Fail | "subscribed" | "pending" {
  const model = node.config.accessModel;
  const standing = standingOf(model, affiliation);
  // §6.1.3.8 outcast and publish-only; §6.1.3.2-4 refused by the access model.
  if (!may(standing, "subscribe")) return fail(refusalOf(model, affiliation));
  return may(standing, "subscribe-without-approval") ? "subscribed" : "pending"; // §6.1.2 authorize
}

/** Undefined when the entity may retrieve items of the node. */
export function retrieveFailure(
  node: NodeRecord,
  affiliation: Affiliation,
  subscription: SubscriptionRecord | undefined,
): Fail | undefined {
  const model = node.config.accessModel;
  const standing = standingOf(model, affiliation, subscription?.state === "subscribed");
  // §6.5.9.8 outcast and publish-only; §6.5.9.3-6 refused by the access model.
  return may(standing, "retrieve-items") ? undefined : fail(refusalOf(model, affiliation));
}

/** Whether the entity may know the node exists (§5.2 listing, §5.4 metadata). */
export const mayView = (node: NodeRecord, affiliation: Affiliation): boolean =>
  may(standingOf(node.config.accessModel, affiliation), "view-meta");
