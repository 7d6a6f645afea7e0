/* The PubSub side effects of provisioning and access, as an interface the service calls.
 * References: docs/design.md §2 (the four nodes of a device), XEP-0060 §4.1 (affiliations), §4.5
 * (whitelist access). An implementation over the hub's PubSub service is in pubsub-nodes.ts. */
import { availabilityNode, metaNode, readingsNode, stateNode } from "../../shared/model";

export interface DeviceNodeNames {
  readings: string;
  state: string;
  availability: string;
  meta: string;
}

export const nodesOf = (deviceId: string): DeviceNodeNames => ({
  readings: readingsNode(deviceId),
  state: stateNode(deviceId),
  availability: availabilityNode(deviceId),
  meta: metaNode(deviceId),
});

export const nodeList = (deviceId: string): string[] => Object.values(nodesOf(deviceId));

export interface DeviceNodes {
  /**
   * Creates the four nodes of a device (or takes over nodes the device created itself):
   * whitelist access, the hub as owner, the device publisher of readings/state/meta and member
   * of availability (which only the hub publishes). Idempotent. Throws on a storage failure.
   */
  ensureNodes(deviceId: string): Promise<void>;
  /** Sets a person's affiliation on one node; `none` also ends their subscriptions to it. */
  setAffiliation(node: string, bareJid: string, affiliation: "member" | "none"): Promise<void>;
}
