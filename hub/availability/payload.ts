/* The item the hub publishes to devices/<id>/availability (id `current`).
 * References: docs/design.md §2 (availability node), XEP-0082 §3.2 (DateTime), docs/provisioning.md.
 *
 *   <availability xmlns='urn:xiot:availability:0' state='online|offline|stale'
 *                 since='2026-11-21T21:00:00.000Z' reason='presence'/>
 * `since` is when the state last changed; `reason` says what changed it (presence, unavailable,
 * reading, ping-timeout, silence, probe). Readers ignore reasons they do not know. */
import xml, { type Element } from "@xmpp/xml";
import { NS_XIOT_AVAILABILITY } from "../../shared/xmpp/ns";
import type { AvailabilityState } from "./machine";

export const AVAILABILITY_ITEM_ID = "current";

export type AvailabilityReason =
  | "presence"
  | "unavailable"
  | "reading"
  | "ping-timeout"
  | "silence"
  | "probe";

export interface AvailabilityPayload {
  state: AvailabilityState;
  /** ms since the epoch. */
  since: number;
  reason?: string;
}

const STATES: ReadonlySet<string> = new Set(["online", "offline", "stale"]);

export function makeAvailability(p: AvailabilityPayload): Element {
  return xml("availability", {
    xmlns: NS_XIOT_AVAILABILITY,
    state: p.state,
    since: new Date(p.since).toISOString(),
    ...(p.reason !== undefined && { reason: p.reason }),
  });
}

/** Reads a payload; undefined when it is not a well-formed availability element. */
export function parseAvailability(el: Element | undefined): AvailabilityPayload | undefined {
  if (!el?.is("availability", NS_XIOT_AVAILABILITY)) return undefined;
  const state = el.attrs.state as string | undefined;
  const since = Date.parse(String(el.attrs.since ?? ""));
  if (state === undefined || !STATES.has(state) || Number.isNaN(since)) return undefined;
  const reason = el.attrs.reason as string | undefined;
  return { state: state as AvailabilityState, since, ...(reason !== undefined && { reason }) };
}
