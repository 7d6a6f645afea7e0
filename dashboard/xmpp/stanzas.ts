/* What the dashboard sends to the hub and reads from it, as pure make/parse functions.
 * References: XEP-0030 §4.1 (disco#items: the nodes the user may see), XEP-0060 §6.1
 * (subscribe), §6.5 (items, max_items), §7.1.2.1 (event notifications), XEP-0059 §2.2 (paging
 * with <max/> and <after/>), docs/provisioning.md (<devices/> list, availability item),
 * docs/protocol.md (meta and state items), docs/design.md §2 (node names, readings document). */
import xml, { type Element } from "@xmpp/xml";
import { parseReadingsPayload } from "../../shared/exi/payload";
import { parseDeviceNode, parseReadingsDocument, type ReadingsDocument } from "../../shared/model";
import {
  NS_DISCO_ITEMS,
  NS_PUBSUB,
  NS_PUBSUB_EVENT,
  NS_READINGS,
  NS_RSM,
  NS_XIOT_AVAILABILITY,
  NS_XIOT_META,
  NS_XIOT_PROVISIONING,
  NS_XIOT_STATE,
} from "../../shared/xmpp/ns";

export interface ChannelMeta {
  name: string;
  kind?: string;
  unit?: string;
  valueType?: string;
  range?: { min?: number; max?: number };
}

export interface ActuatorMeta {
  name: string;
  kind?: string;
  valueType: "boolean" | "number" | "string" | string;
  safeState?: unknown;
}

export interface DeviceMeta {
  model?: string;
  channels: ChannelMeta[];
  actuators: ActuatorMeta[];
}

export interface DeviceState {
  actuators: Record<string, { v: unknown; t?: number }>;
  uptime?: number;
  version?: string;
}

export type Availability = "online" | "offline" | "stale";

export interface AvailabilityItem {
  state: Availability;
  since?: string;
  reason?: string;
}

export const makeDiscoItems = (hub: string): Element =>
  xml("iq", { type: "get", to: hub }, xml("query", { xmlns: NS_DISCO_ITEMS }));

export const makeDeviceList = (hub: string): Element =>
  xml("iq", { type: "get", to: hub }, xml("devices", { xmlns: NS_XIOT_PROVISIONING }));

export function makeSubscribe(hub: string, node: string, jid: string): Element {
  return xml(
    "iq",
    { type: "set", to: hub },
    xml("pubsub", { xmlns: NS_PUBSUB }, xml("subscribe", { node, jid })),
  );
}

/** The newest `max` items (XEP-0059 paging, newest first), or the page after item id `after`. */
export function makeItemsPage(hub: string, node: string, max: number, after?: string): Element {
  const set = xml(
    "set",
    { xmlns: NS_RSM },
    xml("max", {}, String(max)),
    ...(after ? [xml("after", {}, after)] : []),
  );
  return xml(
    "iq",
    { type: "get", to: hub },
    xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node }), set),
  );
}

/** The last item of a single-item node (meta, state, availability). */
export function makeLastItem(hub: string, node: string): Element {
  return xml(
    "iq",
    { type: "get", to: hub },
    xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node, max_items: "1" })),
  );
}

/** Device ids named by the nodes of a disco#items answer. */
export function parseDiscoDevices(result: Element): string[] {
  const items = result.getChild("query", NS_DISCO_ITEMS)?.getChildren("item") ?? [];
  const ids = items.map((i) => parseDeviceNode(String(i.attrs.node ?? ""))?.deviceId);
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** The hub's <devices/> list: ids with availability when the hub tracks it. */
export function parseDeviceList(result: Element): { id: string; availability?: Availability }[] {
  const list = result.getChild("devices", NS_XIOT_PROVISIONING)?.getChildren("device") ?? [];
  return list
    .map((d) => ({ id: String(d.attrs.id ?? ""), availability: asAvailability(d.attrs.availability) }))
    .filter((d) => d.id !== "");
}

export function parseItemsPage(result: Element): { items: Element[]; last?: string; count?: number } {
  const pubsub = result.getChild("pubsub", NS_PUBSUB);
  const items = pubsub?.getChild("items")?.getChildren("item") ?? [];
  const set = pubsub?.getChild("set", NS_RSM);
  const last = set?.getChildText("last") ?? undefined;
  const count = set?.getChildText("count");
  return { items, ...(last && { last }), ...(count != null && { count: Number(count) }) };
}

/** The node and items of a PubSub notification; undefined for other messages. */
export function parseEvent(message: Element): { node: string; items: Element[] } | undefined {
  const items = message.getChild("event", NS_PUBSUB_EVENT)?.getChild("items");
  if (!items) return undefined;
  return { node: String(items.attrs.node ?? ""), items: items.getChildren("item") };
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

export function decodeReadings(item: Element): Decoded<ReadingsDocument> {
  const payload = item.getChild("readings", NS_READINGS);
  if (!payload) return { ok: false, error: "item without a readings payload" };
  try {
    const parsed = parseReadingsDocument(parseReadingsPayload(payload).document);
    return parsed.ok ? parsed : { ok: false, error: parsed.error.message };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function jsonChild(item: Element, name: string, ns: string): Record<string, unknown> | undefined {
  const text = item.getChild(name, ns)?.getText();
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // Why: a malformed item is shown as missing, never breaks the page.
  }
}

export function parseMeta(item: Element): DeviceMeta | undefined {
  const doc = jsonChild(item, "meta", NS_XIOT_META);
  if (!doc) return undefined;
  const list = <T>(x: unknown): T[] => (Array.isArray(x) ? (x as T[]) : []);
  return {
    ...(typeof doc.model === "string" && { model: doc.model }),
    channels: list<ChannelMeta>(doc.channels).filter((c) => typeof c?.name === "string"),
    actuators: list<ActuatorMeta>(doc.actuators).filter((a) => typeof a?.name === "string"),
  };
}

export function parseState(item: Element): DeviceState | undefined {
  const doc = jsonChild(item, "state", NS_XIOT_STATE);
  if (!doc) return undefined;
  const actuators = typeof doc.actuators === "object" && doc.actuators !== null ? doc.actuators : {};
  return {
    actuators: actuators as DeviceState["actuators"],
    ...(typeof doc.uptime === "number" && { uptime: doc.uptime }),
    ...(typeof doc.version === "string" && { version: doc.version }),
  };
}

function asAvailability(x: unknown): Availability | undefined {
  return x === "online" || x === "offline" || x === "stale" ? x : undefined;
}

export function parseAvailability(item: Element): AvailabilityItem | undefined {
  const el = item.getChild("availability", NS_XIOT_AVAILABILITY);
  const state = asAvailability(el?.attrs.state);
  if (!el || !state) return undefined;
  return {
    state,
    ...(typeof el.attrs.since === "string" && { since: el.attrs.since }),
    ...(typeof el.attrs.reason === "string" && { reason: el.attrs.reason }),
  };
}
