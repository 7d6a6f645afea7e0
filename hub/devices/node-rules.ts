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
 *   republish, a different payload is `conflict`.
 * - Every item published to a readings node must be a valid readings document of that device
 *   (shared/readings/validate.ts, by the hub's clock); anything else is refused `bad-request` +
 *   `invalid-payload` with a text naming what is wrong (XEP-0060 §7.1.3.6), before it is stored
 *   or notified.
 * - A subscriber of a readings node may ask for its items in JSON or EXI4JSON, whatever the device
 *   published (readings-render.ts). */
import { deviceJid } from "../../shared/jid";
import { parseDeviceNode, parseDeviceNodePath } from "../../shared/model";
import { validateReadingsPayload } from "../../shared/readings/validate";
import type { HistoryStore } from "../history/types";
import type { ItemVerdict, NodeRules } from "../pubsub/rules";
import type { NodeConfig, StoredItem } from "../pubsub/storage/types";
import { PayloadParseError, parseElement } from "../pubsub/xml";
import { READINGS_RENDERINGS, renderReadings } from "./readings-render";

export interface DeviceNodeRulesDeps {
  /** The users' domain: device JIDs are `<id>@<domain>`. */
  domain: string;
  /** Telemetry history: an accepted readings item's readings enter it in the item's commit. */
  history?: Pick<HistoryStore, "add">;
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

export function createDeviceNodeRules({ domain, history }: DeviceNodeRulesDeps): NodeRules {
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
    itemcheck: (node, item) => {
      const device = isReadingsNode(node.id) ? deviceOfNode(node.id) : undefined;
      return device === undefined ? "replace" : readingsVerdict(device, item, history);
    },
    encodings: (node) => (isReadingsNode(node) ? READINGS_RENDERINGS : []),
    render: (node, payload, encoding, maxBytes) =>
      isReadingsNode(node) ? renderReadings(payload, encoding, maxBytes) : undefined,
  };
}

/** A readings item: append-only when its payload is a valid document of `device`, else refused.
 * With a history store, its readings go into history in the item's own commit (docs/history.md):
 * acknowledged means in history. */
export function readingsVerdict(
  device: string,
  item: StoredItem,
  history?: Pick<HistoryStore, "add">,
): ItemVerdict {
  const refused = (text: string): ItemVerdict => ({ ok: false, error: "invalid-payload", text });
  if (item.payload === "") return refused("a readings item carries a <readings/> payload");
  let payload: ReturnType<typeof parseElement>;
  try {
    payload = parseElement(item.payload);
  } catch (err) {
    // The edge serialised this payload from a parsed element, so this is not expected; it is
    // still the payload's fault, not the hub's.
    if (!(err instanceof PayloadParseError)) throw err;
    return refused("payload is not one XML element");
  }
  // The hub's clock is the publish time it gives the item.
  const checked = validateReadingsPayload(payload, { deviceId: device, now: item.published });
  if (!checked.ok) return refused(checked.error.text);
  if (!history) return "append-only";
  const readings = checked.value.r;
  return { keep: "append-only", alsoWrite: () => void history.add(device, readings, item.published) };
}
