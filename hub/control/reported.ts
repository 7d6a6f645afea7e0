/* Actuations the device reports: every state item a device publishes says each actuator's value
 * and when it took it, so the control log also holds the changes made by commands sent straight
 * to the device (chat or XEP-0325 to its JID, not through the hub) and by its safe state.
 * References: docs/design.md §2 (`devices/<id>/state`: actuator states; only the device
 * publishes it), docs/protocol.md ("Items besides readings"), XEP-0060 §7.1 (publish).
 *
 * Each actuator entry is `{"v":…,"t":…}`; `by` (a bare JID) and `via` (`chat`, `xep-0325`,
 * `safe-state`), when an entry carries them, say who asked and how. Items are the device's own
 * words: anything malformed is skipped. */
import type { Element } from "@xmpp/xml";
import { parseDeviceNode, stateNode } from "../../shared/model";
import { NS_XIOT_STATE } from "../../shared/xmpp/ns";
import type { ServiceEvents } from "../pubsub/events";
import type { PubsubStore } from "../pubsub/storage/types";
import { parseElement } from "../pubsub/xml";
import type { ControlStore, ReportedValue } from "./store";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isValue = (v: unknown): v is ReportedValue["v"] =>
  typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || typeof v === "string";
const SHORT = 256;
const text = (v: unknown): string | undefined =>
  typeof v === "string" && v.length > 0 && v.length <= SHORT ? v : undefined;

/** The actuators of a state item's payload (serialised XML), or undefined when it is no state. */
export function parseReported(payload: string): Map<string, ReportedValue> | undefined {
  let json: unknown;
  try {
    const el: Element = parseElement(payload);
    if (!el.is("state", NS_XIOT_STATE)) return undefined;
    json = JSON.parse(el.getText());
  } catch {
    return undefined; // Why: a damaged item says nothing; the device publishes its state again.
  }
  if (!isObject(json) || !isObject(json.actuators)) return undefined;
  const out = new Map<string, ReportedValue>();
  for (const [name, a] of Object.entries(json.actuators)) {
    if (!isObject(a) || !isValue(a.v) || typeof a.t !== "number" || !Number.isFinite(a.t)) continue;
    const by = text(a.by);
    const via = text(a.via);
    out.set(name, { v: a.v, t: a.t, ...(by && { by }), ...(via && { via }) });
  }
  return out;
}

export interface ReportedDeps {
  store: Pick<ControlStore, "reported">;
  /** The PubSub service's events: every accepted state item (absent: only sync() records). */
  events?: Pick<ServiceEvents, "on">;
  pubsubStore: Pick<PubsubStore, "lastItem">;
}

export function createReportedActuations(deps: ReportedDeps) {
  let off: (() => void) | undefined;

  function record(device: string, payload: string): void {
    const actuators = parseReported(payload);
    if (actuators && actuators.size > 0) deps.store.reported(device, actuators);
  }

  return {
    /** Records each state item as it is accepted (before the device hears the publish result). */
    start(): void {
      if (off || !deps.events) return;
      off = deps.events.on("published", (event) => {
        const node = parseDeviceNode(event.node);
        // A failure (a full disk) is the emitter's to report; the stored item stays (events.ts).
        if (node?.kind === "state") record(node.deviceId, event.payload);
      });
    },
    stop(): void {
      off?.();
      off = undefined;
    },
    /** Records the device's stored state item, in case it came while nothing listened. */
    async sync(device: string): Promise<void> {
      const item = await deps.pubsubStore.lastItem(stateNode(device));
      if (item?.payload) record(device, item.payload);
    },
  };
}

export type ReportedActuations = ReturnType<typeof createReportedActuations>;
