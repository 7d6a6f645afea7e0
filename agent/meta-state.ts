/* The agent's meta and state documents, from its open channels and its running state (the
 * documents and their payloads are in shared/xmpp/pubsub-device.ts).
 * References: docs/design.md §2 (`devices/<id>/meta`: model, channels with kind, unit and range,
 * actuators with value type and safe state; `devices/<id>/state`), docs/protocol.md ("Items
 * besides readings"; the state's optional `quarantined`). */
import type { ReadingValue } from "../shared/model";
import type { MetaDocument, StateDocument } from "../shared/xmpp/pubsub-device";
import type { OpenChannel } from "./channels";

/** The state document as the agent writes it: `quarantined`, the number of readings documents the
 * hub refused for good (kept in `<state.dir>/outbox/quarantine.log`), only when there are any. */
export type AgentStateDocument = StateDocument & { quarantined?: number };

export function stateDocument(o: {
  deviceId: string;
  boot: string;
  version: string;
  /** Seconds since the agent started. */
  uptime: number;
  synced: boolean;
  now: number;
  actuators: Record<string, { value: ReadingValue; t?: number }>;
  /** Who moved each actuator last (agent/control/actuators.ts origins()). */
  origins?: Record<string, { by: string; via: string; cmd?: string }>;
  quarantined: number;
}): AgentStateDocument {
  return {
    v: 1,
    dev: o.deviceId,
    boot: o.boot,
    version: o.version,
    uptime: o.uptime,
    clk: o.synced ? "sync" : "unsync",
    t: o.now,
    actuators: Object.fromEntries(
      Object.entries(o.actuators).map(([name, s]) => [
        name,
        { v: s.value, t: Math.round(s.t ?? o.now), ...o.origins?.[name] },
      ]),
    ),
    ...(o.quarantined > 0 && { quarantined: o.quarantined }),
  };
}

/** The status line of the `status` chat command (agent/control/chat.ts). */
export function statusLine(o: {
  deviceId: string;
  uptime: number;
  boot: string;
  synced: boolean;
  waiting: number;
  quarantined: number;
}): string {
  const clock = o.synced ? "synchronised" : "not synchronised";
  return `${o.deviceId}: up ${o.uptime} s, boot ${o.boot}, clock ${clock}, ${o.waiting} documents waiting, ${o.quarantined} quarantined`;
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
