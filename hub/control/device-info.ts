/* What the hub knows of a device from the items it stores: its meta (channels and actuators with
 * value types), its state (actuator values) and each channel's newest reading.
 * References: docs/protocol.md ("Items besides readings": meta and state), docs/design.md §2 (nodes per
 * device, readings document v1). Items are the device's own words: everything is checked, and
 * an unreadable item reads as absent (logged by the caller when it matters). */
import type { Element } from "@xmpp/xml";
import { parseReadingsPayload } from "../../shared/exi/payload";
import { metaNode, parseReadingsDocument, type Reading, readingsNode, stateNode } from "../../shared/model";
import type { PubsubStore } from "../pubsub/storage/types";
import { parseElement } from "../pubsub/xml";
import type { ControlValue } from "./types";

export type ValueType = "boolean" | "number" | "string";

export interface ChannelInfo {
  name: string;
  valueType: ValueType;
  unit?: string;
}

export interface DeviceMeta {
  model: string;
  channels: ChannelInfo[];
  actuators: ChannelInfo[];
}

export interface DeviceState {
  /** Device clock, ms since the epoch. */
  t: number;
  uptime?: number;
  actuators: Map<string, { v: ControlValue; t: number }>;
}

export interface DeviceSnapshot {
  meta: DeviceMeta | undefined;
  state: DeviceState | undefined;
  /** When the hub stored the state item (hub clock), 0 when there is none. */
  stateAt: number;
  /** The newest reading of each channel in the readings node (newestReadings). */
  readings: Map<string, Reading>;
}

const VALUE_TYPES: ReadonlySet<string> = new Set(["boolean", "number", "string"]);
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function channelList(list: unknown): ChannelInfo[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((c) => {
    if (!isObject(c) || typeof c.name !== "string" || !VALUE_TYPES.has(String(c.valueType))) return [];
    const info: ChannelInfo = { name: c.name, valueType: c.valueType as ValueType };
    if (typeof c.unit === "string") info.unit = c.unit;
    return [info];
  });
}

/** Parses the JSON text of a meta item payload. */
export function parseMeta(payload: Element): DeviceMeta | undefined {
  const json = jsonOf(payload);
  if (!json) return undefined;
  return {
    model: typeof json.model === "string" ? json.model : "",
    channels: channelList(json.channels),
    actuators: channelList(json.actuators),
  };
}

export function parseState(payload: Element): DeviceState | undefined {
  const json = jsonOf(payload);
  if (!json || typeof json.t !== "number") return undefined;
  const actuators = new Map<string, { v: ControlValue; t: number }>();
  if (isObject(json.actuators)) {
    for (const [name, s] of Object.entries(json.actuators)) {
      if (!isObject(s) || typeof s.t !== "number") continue;
      if (typeof s.v === "boolean" || typeof s.v === "number" || typeof s.v === "string")
        actuators.set(name, { v: s.v, t: s.t });
    }
  }
  return { t: json.t, ...(typeof json.uptime === "number" && { uptime: json.uptime }), actuators };
}

function jsonOf(payload: Element): Json | undefined {
  try {
    const value: unknown = JSON.parse(payload.getText());
    return isObject(value) ? value : undefined;
  } catch {
    // Not JSON: the item is unreadable, which the caller treats as absent.
    return undefined;
  }
}

export function latestReadings(payload: Element): Map<string, Reading> {
  const out = new Map<string, Reading>();
  const doc = parseReadingsDocument(parseReadingsPayload(payload).document);
  if (!doc.ok) return out;
  for (const r of doc.value.r) {
    const seen = out.get(r.c);
    if (!seen || seen.t <= r.t) out.set(r.c, r);
  }
  return out;
}

/** Readings items read per page, and at most in all (the device readings node keeps 1000). */
const PAGE = 50;
const MAX_SCANNED = 1000;

/**
 * Each channel's newest reading, by reading time, across the readings node. A document carries
 * only the channels sampled in its window (temperature every second, humidity every 5 s; a
 * deadband holds a steady channel back until its heartbeat), so the newest document alone may
 * lack a channel for minutes; and an outbox drained after a reconnect publishes older documents
 * last. Pages go newest first and stop once every channel in `wanted` is found (at least one
 * page is read, for the drained case), or at MAX_SCANNED items.
 */
export async function newestReadings(
  store: Pick<PubsubStore, "getItems">,
  node: string,
  wanted: ReadonlySet<string>,
): Promise<Map<string, Reading>> {
  const out = new Map<string, Reading>();
  let after: string | undefined;
  for (let scanned = 0; scanned < MAX_SCANNED; ) {
    const page = await store.getItems(node, { limit: PAGE, ...(after !== undefined && { after }) });
    for (const item of page.items) {
      for (const r of readingsOf(item.payload).values()) {
        const seen = out.get(r.c);
        if (!seen || seen.t < r.t) out.set(r.c, r);
      }
    }
    scanned += page.items.length;
    after = page.items.at(-1)?.id;
    if (page.items.length < PAGE || after === undefined) break;
    if ([...wanted].every((c) => out.has(c))) break;
  }
  return out;
}

function readingsOf(payload: string): Map<string, Reading> {
  if (!payload) return new Map();
  try {
    return latestReadings(parseElement(payload));
  } catch {
    // A damaged or foreign payload carries no readings; the others still count.
    return new Map();
  }
}

export function createDeviceInfo(store: Pick<PubsubStore, "lastItem" | "getItems">) {
  async function item<T>(node: string, read: (el: Element, published: number) => T): Promise<T | undefined> {
    const stored = await store.lastItem(node);
    if (!stored?.payload) return undefined;
    try {
      return read(parseElement(stored.payload), stored.published);
    } catch {
      // A damaged or foreign payload: reads as absent; the device republishes meta and state.
      return undefined;
    }
  }
  return {
    meta: (device: string) => item(metaNode(device), parseMeta),
    async snapshot(device: string): Promise<DeviceSnapshot> {
      const [meta, stored] = await Promise.all([
        item(metaNode(device), parseMeta),
        item(stateNode(device), (el, at) => ({ state: parseState(el), at })),
      ]);
      // After meta: the channels it names are the ones to find (none known: one page).
      const wanted = new Set((meta?.channels ?? []).map((c) => c.name));
      const readings = await newestReadings(store, readingsNode(device), wanted);
      return { meta, state: stored?.state, stateAt: stored?.at ?? 0, readings };
    },
  };
}

export type DeviceInfo = ReturnType<typeof createDeviceInfo>;
