/* The device-node rules the hub injects into its generic PubSub service.
 * References: docs/design.md §2 (the nodes of a device; readings are append-only; the device is
 * the only publisher), XEP-0060 §8.1.3.2 (creation refused: forbidden), §4.5 (whitelist), §4.1
 * (publisher affiliation), §7.1.2 (replacing items, which append-only nodes never do).
 *
 * - A device (`<id>@<domain>`) may create nodes under its own subtree `devices/<id>/`; nobody but
 *   an admin creates anything else under `devices/`.
 * - Device nodes default to whitelist access; readings keep 1000 items, the other nodes keep
 *   their last item and send it on subscription.
 * - The device is publisher of a device node someone else created.
 * - Readings nodes are append-only: the same id with the same payload is an idempotent
 *   republish, a different payload is `conflict`. */
import { deviceJid } from "../../shared/jid";
import { parseDeviceNode, parseDeviceNodePath } from "../../shared/model";
import type { NodeRules } from "../pubsub/rules";
import type { NodeConfig } from "../pubsub/storage/types";

export interface DeviceNodeRulesDeps {
  /** The users' domain: device JIDs are `<id>@<domain>`. */
  domain: string;
}

const DEVICES_PREFIX = "devices/";

/** `devices/<id>/<leaf>` → the device id, for nodes under a device's own subtree. */
export const deviceOfNode = (node: string): string | undefined => parseDeviceNodePath(node)?.deviceId;

/** docs/design.md §2: readings nodes are append-only. */
export const isReadingsNode = (node: string): boolean => parseDeviceNode(node)?.kind === "readings";

export function deviceNodeDefaults(node: string, defaults: NodeConfig): NodeConfig {
  if (deviceOfNode(node) === undefined) return defaults;
  const device: NodeConfig = { ...defaults, accessModel: "whitelist", publishModel: "publishers" };
  if (isReadingsNode(node)) return { ...device, maxItems: 1000 };
  return { ...device, maxItems: 1, sendLastPublishedItem: "on_sub" };
}

export function createDeviceNodeRules({ domain }: DeviceNodeRulesDeps): NodeRules {
  const users = domain.toLowerCase();
  const jidOf = (node: string): string | undefined => {
    const device = deviceOfNode(node);
    return device === undefined ? undefined : deviceJid(device, users);
  };
  return {
    mayCreate(actor, node) {
      if (node === undefined) return undefined;
      const device = jidOf(node);
      if (device !== undefined) return actor.bare === device; // §8.1.3.2 otherwise
      return node.startsWith(DEVICES_PREFIX) ? false : undefined;
    },
    nodeDefaults: deviceNodeDefaults,
    initialAffiliations(node) {
      const device = jidOf(node);
      return device === undefined ? [] : [{ jid: device, affiliation: "publisher" }];
    },
    itemcheck: (node) => (isReadingsNode(node.id) ? "append-only" : "replace"),
  };
}
