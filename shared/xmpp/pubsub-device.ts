/* The items under a device's nodes: meta and state (written by the agent, item id `current`),
 * availability (written by the hub) and readings; the agent makes them, the dashboard and the CLI
 * read them. Readers are lenient: a malformed item reads as missing and never throws.
 * References: docs/design.md §2 (`devices/<id>/meta`: model, channels with kind, unit and range,
 * actuators with value type and safe state; `devices/<id>/state`: actuator states, firmware
 * version, uptime, clock status; the readings document), docs/protocol.md (meta and state items),
 * docs/provisioning.md (availability item), XEP-0060 §7.1 (one namespaced payload per item). */
import xml, { type Element } from "@xmpp/xml";
import { parseReadingsPayload } from "../exi/payload";
import { parseReadingsDocument, type ReadingsDocument, type ReadingValue } from "../model";
import { NS_READINGS, NS_XIOT_AVAILABILITY, NS_XIOT_META, NS_XIOT_STATE } from "./ns";

/** The single item of the meta, state and availability nodes. */
export const CURRENT_ITEM_ID = "current";

export interface MetaDocument {
  v: 1;
  dev: string;
  model: string;
  version: string;
  channels: {
    name: string;
    kind: string;
    unit: string;
    valueType: string;
    model: string;
    range?: { min: number; max: number };
    /** Polling interval (ms) of a polled sensor; absent for push sensors and actuators (on change). */
    intervalMs?: number;
  }[];
  actuators: {
    name: string;
    kind: string;
    valueType: string;
    safeState: ReadingValue;
    model: string;
    unit?: string;
    range?: { min: number; max: number };
  }[];
}

export interface StateDocument {
  v: 1;
  dev: string;
  boot: string;
  version: string;
  /** Seconds since the agent started. */
  uptime: number;
  clk: "sync" | "unsync";
  /** When this state was taken, ms since the epoch (local clock). */
  t: number;
  /** Each actuator's value and when it took it; `by` (bare JID, or "agent"), `via` ("chat",
   * "xep-0325", "safe-state") and `cmd` (the command id) say who moved it last, when known. */
  actuators: Record<string, { v: ReadingValue; t: number; by?: string; via?: string; cmd?: string }>;
}

export const makeMetaPayload = (meta: MetaDocument): Element =>
  xml("meta", { xmlns: NS_XIOT_META }, JSON.stringify(meta));
export const makeStatePayload = (state: StateDocument): Element =>
  xml("state", { xmlns: NS_XIOT_STATE }, JSON.stringify(state));

/** What a reader needs of a meta document (older agents may leave fields out). */
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

function jsonChild(item: Element, name: string, ns: string): Record<string, unknown> | undefined {
  const text = item.getChild(name, ns)?.getText();
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // Why: a malformed item is shown as missing, never breaks the reader.
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

export type Availability = "online" | "offline" | "stale";

export interface AvailabilityItem {
  state: Availability;
  since?: string;
  reason?: string;
}

export const asAvailability = (x: unknown): Availability | undefined =>
  x === "online" || x === "offline" || x === "stale" ? x : undefined;

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

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** The readings document of a readings item, of any encoding and known version. */
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
