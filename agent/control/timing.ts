/* Judging a command's age by the hub's clock, for XEP-0325 sets and chat messages alike.
 * References: docs/design.md §2 (command metadata: refused after `issued + ttl` by the hub's clock;
 * never judged before the offset to it is known; refused when `issued` lies in the future),
 * docs/protocol.md ("XEP-0325 control", "Chat commands"), XEP-0203 (the delay stamp of a message
 * delivered from offline storage, by the server's clock).
 *
 * Hold, then judge: a command that carries a time (a `<cmd/>`, or a delay stamp) while the offset
 * to the hub's clock is not yet known waits for it, at most `holdMs`; still unknown, it is refused
 * and nothing moves. A command without a time is not judged and needs no clock. */
import * as reply from "../../shared/chat/replies";
import type { CommandMeta } from "../../shared/xmpp/control";

/** How long a command waits for the offset to be learnt (XEP-0202 at connect: one round trip;
 * the query itself gives up after 10 s). */
export const CLOCK_HOLD_MS = 10_000;
/** How far in the future (by the hub's clock) a command's time may lie: the offset is good to about
 * ±0.5 s plus half a round trip, and hub and server may be apart by a little. */
export const FUTURE_TOLERANCE_MS = 2_000;

export interface HubTime {
  /** The hub's time, ms; undefined while the offset to it is not known. */
  hubNow: () => number | undefined;
  /** Resolves true once the offset is known, false after `withinMs` (AgentClock.whenKnown). Absent:
   * nothing to wait for, a command is refused at once while the time is unknown. */
  whenClockKnown?: (withinMs: number) => Promise<boolean>;
  /** How long to wait for it; default CLOCK_HOLD_MS. */
  clockHoldMs?: number;
  /** Default FUTURE_TOLERANCE_MS. */
  futureToleranceMs?: number;
  /** The most `hubNow()` may be off by (AgentClock.uncertaintyMs); default 0. */
  uncertaintyMs?: () => number;
}

/** The hub's time once it is known, waiting for it at most `clockHoldMs`; undefined if it is not. */
export async function hubTime(t: HubTime): Promise<number | undefined> {
  const now = t.hubNow();
  if (now !== undefined || !t.whenClockKnown) return now;
  return (await t.whenClockKnown(t.clockHoldMs ?? CLOCK_HOLD_MS)) ? t.hubNow() : undefined;
}

/** Error codes of shared/xmpp/errors.ts: `clock-unknown` (wait) while the hub's time is not known,
 * `expired` past `issued + ttl`, `issued-in-future` (modify) when `issued` lies ahead of it. */
export type TimingError = "clock-unknown" | "expired" | "issued-in-future";
export interface TimingProblem {
  error: TimingError;
  message: string;
}

export const clockUnknown = (): TimingProblem => ({
  error: "clock-unknown",
  message: reply.clockUnknown(),
});

/** A command's `<cmd/>` judged at the hub's time `now`: undefined when it may run. */
export function judgeCommand(cmd: CommandMeta, now: number, t: HubTime): TimingProblem | undefined {
  // Expired by the latest time the hub's clock may show: nothing may move after `issued + ttl`,
  // so a command that may have passed it is refused.
  if (now + (t.uncertaintyMs?.() ?? 0) > cmd.issued + cmd.ttl)
    return { error: "expired", message: `command ${cmd.id} expired (issued + ttl has passed)` };
  const ahead = cmd.issued - now;
  if (ahead > (t.futureToleranceMs ?? FUTURE_TOLERANCE_MS))
    return { error: "issued-in-future", message: reply.issuedInFuture(ahead) };
  return undefined;
}
