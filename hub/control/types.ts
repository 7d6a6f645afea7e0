/* The command lifecycle's vocabulary: what a person asks, and the one definitive outcome.
 * References: docs/design.md §2 (command metadata: id, issued, ttl, seq), docs/design.md §3 (exactly one reply),
 * docs/design.md §4 (stream-management hibernation: a command needs its TTL). */
import type { ControlType } from "../../shared/xmpp/control";

export type ControlValue = boolean | number | string;

export interface ControlRequest {
  /** Bare JID of the person (already normalised from the routed `from`). */
  actor: string;
  device: string;
  channel: string;
  /** The value as typed; typed against the device's meta before sending. */
  value: string | ControlValue;
  /** How the request came in: "chat", "adhoc", … (audit only). */
  via: string;
}

/**
 * The one outcome of a command:
 * - done: the device answered that the change is applied (`value` is the new state);
 * - refused: the hub or the device refused, and nothing moved (no access, unknown device or
 *   channel, bad value; or the device did not apply it: a newer command for the channel was
 *   applied first, it does not know the hub's time yet, or the command is stamped ahead of it:
 *   `refusal` says which, when the device named it);
 * - offline: no available agent session; nothing was sent or the server bounced it;
 * - expired: the device refused it as past its TTL;
 * - timeout: no answer in time: the state is unknown;
 * - failed: the device tried and its hardware failed.
 */
export type ControlOutcome =
  | { kind: "done"; id: string; value: ControlValue }
  | { kind: "refused"; id?: string; reason: string; refusal?: DeviceRefusal }
  | { kind: "offline"; id?: string }
  | { kind: "expired"; id: string }
  | { kind: "timeout"; id: string }
  | { kind: "failed"; id: string; reason: string };

export type OutcomeKind = ControlOutcome["kind"];

/** The device's refusals of a sound command, by their application condition in `urn:xiot:command:0`
 * (shared/xmpp/errors.ts; refusals.ts words them). */
export type DeviceRefusal = "clock-unknown" | "issued-in-future" | "stale-seq";

export interface TypedParameter {
  name: string;
  type: ControlType;
  value: ControlValue;
}

export interface ControlSettings {
  /** How long the hub waits for the device's answer. */
  timeoutMs: number;
  /** The command's time-to-live from `issued`; the device refuses it afterwards. */
  ttlMs: number;
}

/** One line of the control log (commands and their outcomes). */
export interface ControlLogEntry {
  /** ms since the epoch (hub clock). */
  time: number;
  device: string;
  actor: string;
  /** Command id, when one was issued. */
  id: string | null;
  /** "relay=true"; or "read relay". */
  command: string;
  /** `reported`: an actuation the device reported in its state item (docs/design.md §2), at
   * the device's time; `actor` is who asked when the item says so, else empty. */
  outcome: OutcomeKind | "issued" | "reported";
  detail: string;
}
