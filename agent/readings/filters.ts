/* References: docs/design.md §1 (the agent filters readings: deadband, throttle, heartbeat).
 *
 * Per-channel filters, applied in this fixed order to each sampled reading:
 *   1. calibration  v' = v × scale + offset            (numbers only; others pass unchanged)
 *   2. clamp        v' = min(max(v, min), max)          (numbers only)
 *   3. deadband     pass only if |v − last emitted| ≥ deadband (numbers) or the value changed
 *                   (booleans, strings, a change of type); a change of quality always passes
 *   4. throttle     pass only if ≥ throttleMs since the last emitted reading; a reading held back
 *                   is emitted by tick() once the interval is over (unless a newer one replaced it)
 *   5. heartbeat    tick(now) re-emits the latest sampled value, stamped `now`, when nothing was
 *                   emitted for heartbeatMs
 * The deadband compares against the last emitted value, so a slow drift is still reported.
 * Filters are plain objects with no timers: the sampler calls tick() on its own schedule. Times are
 * the readings' own `t`; a time that goes backwards (clock set) counts as a full interval. */
import type { Reading, ReadingValue, Result } from "../../shared/model";

export interface ChannelFilterConfig {
  calibration?: { scale?: number; offset?: number };
  clamp?: { min?: number; max?: number };
  /** Smallest change of a numeric value worth reporting (absolute, after calibration). */
  deadband?: number;
  /** Least time between two emitted readings, ms. */
  throttleMs?: number;
  /** Most time without an emitted reading, ms. */
  heartbeatMs?: number;
}

export interface ChannelFilter {
  /** Filters one sampled reading; returns the reading to publish, if any. */
  push(reading: Reading): Reading | undefined;
  /** Emits a held-back (throttled) reading or a heartbeat when one is due at `now`. */
  tick(now: number): Reading | undefined;
}

export function calibrate(v: ReadingValue, cal: ChannelFilterConfig["calibration"]): ReadingValue {
  if (typeof v !== "number" || cal === undefined) return v;
  return v * (cal.scale ?? 1) + (cal.offset ?? 0);
}

export function clamp(v: ReadingValue, range: ChannelFilterConfig["clamp"]): ReadingValue {
  if (typeof v !== "number" || range === undefined) return v;
  return Math.min(Math.max(v, range.min ?? Number.NEGATIVE_INFINITY), range.max ?? Number.POSITIVE_INFINITY);
}

/** True when `next` differs enough from `last` to pass the deadband. */
export function exceedsDeadband(last: Reading, next: Reading, deadband = 0): boolean {
  if (last.q !== next.q) return true;
  if (typeof last.v === "number" && typeof next.v === "number") {
    return deadband > 0 ? Math.abs(next.v - last.v) >= deadband : next.v !== last.v;
  }
  return last.v !== next.v;
}

const elapsed = (from: number, to: number) => (to < from ? Number.POSITIVE_INFINITY : to - from);

export function validateFilterConfig(c: ChannelFilterConfig): Result<ChannelFilterConfig, string> {
  const bad = (m: string): Result<ChannelFilterConfig, string> => ({ ok: false, error: m });
  const finite = (x: number | undefined) => x === undefined || Number.isFinite(x);
  const nonNeg = (x: number | undefined) => x === undefined || (Number.isFinite(x) && x >= 0);
  if (!finite(c.calibration?.scale) || !finite(c.calibration?.offset))
    return bad("calibration must be finite");
  if (!finite(c.clamp?.min) || !finite(c.clamp?.max)) return bad("clamp bounds must be finite");
  if ((c.clamp?.min ?? Number.NEGATIVE_INFINITY) > (c.clamp?.max ?? Number.POSITIVE_INFINITY)) {
    return bad("clamp min must not exceed max");
  }
  if (!nonNeg(c.deadband)) return bad("deadband must be ≥ 0");
  if (!nonNeg(c.throttleMs)) return bad("throttleMs must be ≥ 0");
  if (c.heartbeatMs !== undefined && !(Number.isFinite(c.heartbeatMs) && c.heartbeatMs > 0)) {
    return bad("heartbeatMs must be > 0");
  }
  return { ok: true, value: c };
}

export function createChannelFilter(config: ChannelFilterConfig = {}): ChannelFilter {
  const checked = validateFilterConfig(config);
  if (!checked.ok) throw new TypeError(`filter config: ${checked.error}`);
  let lastEmitted: Reading | undefined;
  let latest: Reading | undefined;
  let held: Reading | undefined;

  const emit = (r: Reading): Reading => {
    lastEmitted = r;
    held = undefined;
    return { ...r };
  };
  const throttled = (t: number) =>
    lastEmitted !== undefined && elapsed(lastEmitted.t, t) < (config.throttleMs ?? 0);

  return {
    push(reading) {
      const v = clamp(calibrate(reading.v, config.calibration), config.clamp);
      const r: Reading = { ...reading, v };
      latest = r;
      if (lastEmitted !== undefined && !exceedsDeadband(lastEmitted, r, config.deadband)) {
        held = undefined; // back within the deadband: a held change is no longer news
        return undefined;
      }
      if (throttled(r.t)) {
        held = r;
        return undefined;
      }
      return emit(r);
    },
    tick(now) {
      if (held !== undefined && !throttled(now)) return emit(held);
      const hb = config.heartbeatMs;
      if (hb !== undefined && lastEmitted !== undefined && latest !== undefined) {
        if (elapsed(lastEmitted.t, now) >= hb) return emit({ ...latest, t: now });
      }
      return undefined;
    },
  };
}

export interface FilterSet {
  push(reading: Reading): Reading | undefined;
  /** Held-back readings and heartbeats due at `now`, across all channels. */
  tick(now: number): Reading[];
}

/** Filters for many channels; a channel without a config passes unfiltered. */
export function createFilterSet(configs: Record<string, ChannelFilterConfig>): FilterSet {
  const filters = new Map<string, ChannelFilter>();
  for (const [channel, config] of Object.entries(configs)) filters.set(channel, createChannelFilter(config));
  return {
    push: (r) => {
      const f = filters.get(r.c);
      return f === undefined ? { ...r } : f.push(r);
    },
    tick(now) {
      const out: Reading[] = [];
      for (const f of filters.values()) {
        const r = f.tick(now);
        if (r !== undefined) out.push(r);
      }
      return out;
    },
  };
}
