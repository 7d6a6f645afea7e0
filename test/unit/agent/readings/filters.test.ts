import { describe, expect, it } from "vitest";
import {
  calibrate,
  clamp,
  createChannelFilter,
  createFilterSet,
  exceedsDeadband,
  validateFilterConfig,
} from "../../../../agent/readings/filters";
import type { Reading } from "../../../../shared/model";

const r = (t: number, v: Reading["v"], q?: Reading["q"]): Reading =>
  q ? { c: "x", t, v, q } : { c: "x", t, v };
const values = (out: (Reading | undefined)[]) => out.map((x) => (x === undefined ? "-" : x.v));

describe("pure filter steps", () => {
  it("calibrates numbers by scale then offset and leaves other values alone", () => {
    expect(calibrate(10, { scale: 0.5, offset: -1 })).toBe(4);
    expect(calibrate(10, { offset: 2 })).toBe(12);
    expect(calibrate(true, { scale: 2 })).toBe(true);
    expect(calibrate("on", undefined)).toBe("on");
  });

  it("clamps numbers into the range", () => {
    expect(clamp(150, { max: 100 })).toBe(100);
    expect(clamp(-5, { min: 0, max: 10 })).toBe(0);
    expect(clamp(5, { min: 0, max: 10 })).toBe(5);
    expect(clamp("x", { max: 1 })).toBe("x");
  });

  it("deadband: numbers by absolute change, other values and quality by inequality", () => {
    expect(exceedsDeadband(r(0, 20), r(1, 20.4), 0.5)).toBe(false);
    expect(exceedsDeadband(r(0, 20), r(1, 19.5), 0.5)).toBe(true);
    expect(exceedsDeadband(r(0, 20), r(1, 20), 0)).toBe(false);
    expect(exceedsDeadband(r(0, true), r(1, false))).toBe(true);
    expect(exceedsDeadband(r(0, 20), r(1, 20, "error"), 5)).toBe(true);
    expect(exceedsDeadband(r(0, 1), r(1, "1"))).toBe(true);
  });

  it("validates configurations with a message", () => {
    expect(validateFilterConfig({ deadband: 0.1, throttleMs: 1000, heartbeatMs: 60_000 }).ok).toBe(true);
    expect(validateFilterConfig({ clamp: { min: 2, max: 1 } })).toEqual({
      ok: false,
      error: "clamp min must not exceed max",
    });
    expect(validateFilterConfig({ deadband: -1 }).ok).toBe(false);
    expect(validateFilterConfig({ heartbeatMs: 0 }).ok).toBe(false);
    expect(validateFilterConfig({ calibration: { scale: Number.NaN } }).ok).toBe(false);
    expect(() => createChannelFilter({ throttleMs: -5 })).toThrow(/throttleMs/);
  });
});

describe("createChannelFilter", () => {
  it("applies calibration, then clamp, then deadband on the calibrated value", () => {
    const f = createChannelFilter({ calibration: { scale: 10 }, clamp: { max: 100 }, deadband: 5 });
    const out = [f.push(r(0, 1)), f.push(r(1, 1.3)), f.push(r(2, 1.6)), f.push(r(3, 15)), f.push(r(4, 20))];
    // 10, 13 (Δ3: held), 16 (Δ6 from 10), 150→100, 200→100 (no change)
    expect(values(out)).toEqual([10, "-", 16, 100, "-"]);
  });

  it("deadband compares with the last emitted value so slow drift is reported", () => {
    const f = createChannelFilter({ deadband: 1 });
    expect(values([0, 0.4, 0.8, 1.2, 1.5].map((v, i) => f.push(r(i, v))))).toEqual([0, "-", "-", 1.2, "-"]);
  });

  it("throttle holds back a change and tick() emits it once the interval is over", () => {
    const f = createChannelFilter({ throttleMs: 1000 });
    expect(f.push(r(0, 1))?.v).toBe(1);
    expect(f.push(r(200, 2))).toBeUndefined();
    expect(f.push(r(400, 3))).toBeUndefined();
    expect(f.tick(999)).toBeUndefined();
    expect(f.tick(1000)).toEqual(r(400, 3));
    expect(f.tick(5000)).toBeUndefined();
    expect(f.push(r(1300, 4))).toBeUndefined();
    expect(f.push(r(1400, 3))).toBeUndefined(); // back to the emitted value: nothing held
    expect(f.tick(3000)).toBeUndefined();
  });

  it("heartbeat re-emits the latest sampled value, stamped now, when nothing was emitted", () => {
    const f = createChannelFilter({ deadband: 1, heartbeatMs: 60_000 });
    f.push(r(0, 20));
    f.push(r(10_000, 20.3));
    expect(f.tick(59_999)).toBeUndefined();
    expect(f.tick(60_000)).toEqual(r(60_000, 20.3));
    expect(f.tick(100_000)).toBeUndefined();
    expect(f.tick(120_000)).toEqual(r(120_000, 20.3));
    // The deadband now measures from the heartbeat's value.
    expect(f.push(r(121_000, 21))).toBeUndefined();
    expect(f.push(r(122_000, 21.3))?.v).toBe(21.3);
  });

  it("a clock set backwards counts as a full interval", () => {
    const f = createChannelFilter({ throttleMs: 1000 });
    f.push(r(50_000, 1));
    expect(f.push(r(10, 2))?.v).toBe(2);
  });

  it("passes quality changes through the deadband and keeps the quality", () => {
    const f = createChannelFilter({ deadband: 10 });
    f.push(r(0, 5));
    expect(f.push(r(1, 5, "error"))).toEqual(r(1, 5, "error"));
  });
});

describe("createFilterSet", () => {
  it("routes readings by channel and collects ticks", () => {
    const set = createFilterSet({ x: { deadband: 1, heartbeatMs: 1000 } });
    expect(set.push(r(0, 5))?.v).toBe(5);
    expect(set.push(r(1, 5.5))).toBeUndefined();
    expect(set.push({ c: "other", t: 2, v: 1 })).toEqual({ c: "other", t: 2, v: 1 });
    expect(set.tick(1000)).toEqual([r(1000, 5.5)]);
  });
});
