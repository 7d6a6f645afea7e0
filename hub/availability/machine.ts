/* The availability of one device as a pure state machine: events in, the next state out, and
 * whether the published state changed. No timers and no I/O: tracker.ts feeds it.
 * References: docs/design.md §2 (availability: online, offline or stale, with the time of the last
 * change), docs/design.md §4 (hibernation: liveness needs pings, not presence alone), RFC 6121 §4
 * (presence), XEP-0199 §4.2 (client pings).
 *
 * - available presence from the agent, or a readings publish (which proves a live session):
 *   connected; online (also from stale). Silence is counted from this moment.
 * - unavailable presence, or a ping that got no answer in time or a "gone" error: offline.
 * - a reading while online or stale: online, silence restarts.
 * - `check` with no reading for `staleAfterMs` while online: stale. */

export type AvailabilityState = "online" | "offline" | "stale";

export interface DeviceAvailability {
  /** The state last published; undefined before the first event. */
  state: AvailabilityState | undefined;
  /** ms since the epoch of the last change of `state`. */
  since: number;
  /** Whether the hub believes the agent has a live session. */
  connected: boolean;
  /** Full JID of the live session (where pings go). */
  session: string | undefined;
  /** ms since the epoch of the last reading, or of the connection when none came since. */
  lastActivity: number;
}

export type AvailabilityEvent =
  | { type: "available"; session: string }
  | { type: "unavailable"; session: string }
  | { type: "reading"; session: string }
  | { type: "ping-failed"; session: string }
  | { type: "check"; staleAfterMs: number };

export interface Transition {
  next: DeviceAvailability;
  /** True when `next.state` differs from the previous state: publish it. */
  changed: boolean;
}

export const initialAvailability = (
  state: AvailabilityState | undefined = undefined,
  since = 0,
): DeviceAvailability => ({ state, since, connected: false, session: undefined, lastActivity: since });

function to(
  s: DeviceAvailability,
  state: AvailabilityState,
  now: number,
  patch: Partial<DeviceAvailability>,
) {
  const changed = s.state !== state;
  return { next: { ...s, ...patch, state, since: changed ? now : s.since }, changed };
}

export function step(s: DeviceAvailability, event: AvailabilityEvent, now: number): Transition {
  switch (event.type) {
    case "available":
      return to(s, "online", now, { connected: true, session: event.session, lastActivity: now });
    case "reading":
      return to(s, "online", now, { connected: true, session: event.session, lastActivity: now });
    case "unavailable":
    case "ping-failed":
      // A stale session's news (another resource, an old ping) does not end the current one.
      if (s.session !== undefined && s.session !== event.session) return { next: s, changed: false };
      return to(s, "offline", now, { connected: false, session: undefined });
    case "check":
      if (s.connected && s.state === "online" && now - s.lastActivity >= event.staleAfterMs) {
        return to(s, "stale", now, {});
      }
      return { next: s, changed: false };
  }
}
