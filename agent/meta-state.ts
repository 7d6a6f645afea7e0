/* The meta and state items the agent publishes (item id `current`).
 * References: docs/design.md §2 (`devices/<id>/meta`: model, channels with kind, unit and range, actuators
 * with value type and safe state; `devices/<id>/state`: actuator states, firmware version, uptime,
 * clock status). Both carry a JSON document in an element of xiot's namespace; docs/protocol.md
 * describes them. */
import xml, { type Element } from "@xmpp/xml";
import type { Value } from "../devices/types";
import { NS_XIOT_META, NS_XIOT_STATE } from "../shared/xmpp/ns";
import type { OpenChannel } from "./channels";

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
    safeState: Value;
    model: string;
    unit?: string;
    range?: { min: number; max: number };
  }[];
}

export function metaDocument(o: {
  deviceId: string;
  model: string;
  version: string;
  channels: OpenChannel[];
}): MetaDocument {
  const meta: MetaDocument = {
    v: 1,
    dev: o.deviceId,
    model: o.model,
    version: o.version,
    channels: [],
    actuators: [],
  };
  for (const open of o.channels) {
    for (const c of open.channels) {
      if (c.role === "actuator") {
        meta.actuators.push({
          name: c.name,
          kind: c.kind,
          valueType: c.valueType,
          safeState: c.safeState,
          model: open.definition.model,
          ...(c.unit !== undefined ? { unit: c.unit } : {}),
          ...(c.range ? { range: c.range } : {}),
        });
        continue;
      }
      meta.channels.push({
        name: c.name,
        kind: c.kind,
        unit: c.unit,
        valueType: c.valueType,
        model: open.definition.model,
        ...(c.range ? { range: c.range } : {}),
        ...(open.driver.acquisition === "poll" ? { intervalMs: open.config.intervalMs } : {}),
      });
    }
  }
  return meta;
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
  actuators: Record<string, { v: Value; t: number }>;
}

export const makeMetaPayload = (meta: MetaDocument): Element =>
  xml("meta", { xmlns: NS_XIOT_META }, JSON.stringify(meta));
export const makeStatePayload = (state: StateDocument): Element =>
  xml("state", { xmlns: NS_XIOT_STATE }, JSON.stringify(state));
