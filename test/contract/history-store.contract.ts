/* Shared contract for every HistoryStore engine (hub/history/types.ts). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bucketStart } from "../../hub/history/buckets";
import {
  DAY,
  type HistoryStore,
  HOUR,
  MINUTE,
  type Retention,
  type RetentionPolicy,
} from "../../hub/history/types";
import type { Reading } from "../../shared/model";

export interface HistoryFactory {
  open(retention: RetentionPolicy): Promise<HistoryStore>;
  /** Closes the store and opens the same data again (durable engines only). */
  reopen?(): Promise<HistoryStore>;
  cleanup?(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const NOW = T0 + 2 * DAY;
/** "short" keeps its own raw tier for 2 days (history.devices.<id>.retention). */
const SHORT: Retention = { raw: 2 * DAY, "1m": 20 * DAY, "1h": 40 * DAY };
const RETENTION: RetentionPolicy = {
  raw: 10 * DAY,
  "1m": 20 * DAY,
  "1h": 40 * DAY,
  devices: { short: SHORT },
};
const r = (c: string, t: number, v: Reading["v"], q?: Reading["q"]): Reading =>
  q ? { c, t, v, q } : { c, t, v };

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** What a bucket must hold, computed naively from raw points. */
function expected(points: { t: number; v: number }[], width: number) {
  const by = new Map<number, { t: number; v: number }[]>();
  for (const p of points) by.set(bucketStart(p.t, width), [...(by.get(bucketStart(p.t, width)) ?? []), p]);
  return [...by.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, ps]) => {
      const sorted = [...ps].sort((a, b) => a.t - b.t);
      const vs = ps.map((p) => p.v);
      return {
        t,
        n: ps.length,
        min: Math.min(...vs),
        max: Math.max(...vs),
        mean: vs.reduce((a, b) => a + b, 0) / vs.length,
        first: sorted[0]?.v,
        last: sorted.at(-1)?.v,
      };
    });
}

export function historyStoreContract(name: string, factory: HistoryFactory): void {
  describe(`HistoryStore contract: ${name}`, () => {
    let store: HistoryStore;
    beforeEach(async () => {
      store = await factory.open(RETENTION);
    });
    afterEach(async () => {
      await factory.cleanup?.();
    });

    const raw = (channel: string, from = 0, to = NOW + DAY, limit = 10_000, after?: number) => {
      const page = store.query({ device: "d1", channel, from, to, tier: "raw", limit, after });
      if (page.tier !== "raw") throw new Error("raw page expected");
      return page;
    };
    const buckets = (channel: string, tier: "1m" | "1h", from = 0, to = NOW + DAY) => {
      const page = store.query({ device: "d1", channel, from, to, tier, limit: 100_000 });
      if (page.tier === "raw") throw new Error("bucket page expected");
      return page.buckets;
    };

    it("keeps readings per device and channel in time order, and pages them", () => {
      const res = store.add(
        "d1",
        [r("temp", T0 + 2000, 2), r("temp", T0, 0), r("temp", T0 + 1000, 1, "estimate")],
        NOW,
      );
      store.add("d2", [r("temp", T0, 99)], NOW);
      expect(res).toEqual({ added: 3, duplicates: 0, tooOld: 0 });
      expect(raw("temp").points).toEqual([
        { t: T0, v: 0 },
        { t: T0 + 1000, v: 1, q: "estimate" },
        { t: T0 + 2000, v: 2 },
      ]);
      const first = raw("temp", 0, NOW, 2);
      expect(first.points.map((p) => p.v)).toEqual([0, 1]);
      expect(first.more).toBe(true);
      const second = raw("temp", 0, NOW, 2, first.points.at(-1)?.t);
      expect(second.points.map((p) => p.v)).toEqual([2]);
      expect(second.more).toBe(false);
      expect(raw("temp", T0 + 1000, T0 + 2000).points.map((p) => p.v)).toEqual([1]); // [from, to)
      expect(store.channels("d1")).toEqual(["temp"]);
      expect(store.channels("nobody")).toEqual([]);
    });

    it("stores a reading sent again once, and a new value for the same time replaces it everywhere", () => {
      store.add("d1", [r("t", T0, 10), r("t", T0 + 1000, 20)], NOW);
      expect(store.add("d1", [r("t", T0, 10), r("t", T0 + 1000, 20)], NOW)).toEqual({
        added: 0,
        duplicates: 2,
        tooOld: 0,
      });
      expect(buckets("t", "1m")).toEqual([{ t: T0, n: 2, min: 10, max: 20, mean: 15, first: 10, last: 20 }]);
      expect(store.add("d1", [r("t", T0 + 1000, 40)], NOW).added).toBe(1);
      expect(raw("t").points.map((p) => p.v)).toEqual([10, 40]);
      expect(buckets("t", "1m")).toEqual([{ t: T0, n: 2, min: 10, max: 40, mean: 25, first: 10, last: 40 }]);
      expect(buckets("t", "1h")).toEqual([{ t: T0, n: 2, min: 10, max: 40, mean: 25, first: 10, last: 40 }]);
    });

    it("counts each value a batch gives one time against the value before it, in order", () => {
      store.add("d1", [r("t", T0, 10)], NOW);
      // 10 → 30 changes it, 30 → 10 changes it back, 10 → 10 is the same reading again.
      expect(store.add("d1", [r("t", T0, 30), r("t", T0, 10), r("t", T0, 10)], NOW)).toEqual({
        added: 2,
        duplicates: 1,
        tooOld: 0,
      });
      // Resent as it first was: a duplicate, then a change.
      expect(store.add("d1", [r("t", T0, 10), r("t", T0, 50)], NOW)).toEqual({
        added: 1,
        duplicates: 1,
        tooOld: 0,
      });
      expect(raw("t").points.map((p) => p.v)).toEqual([50]);
      expect(buckets("t", "1m")).toEqual([{ t: T0, n: 1, min: 50, max: 50, mean: 50, first: 50, last: 50 }]);
    });

    it("keeps rollups equal to the raw data they cover, whatever order readings arrive in", () => {
      const next = random(7);
      const points = Array.from({ length: 2000 }, (_, i) => ({
        t: T0 + i * 7_000 + Math.floor(next() * 6_000),
        v: Math.round((20 + 5 * Math.sin(i / 50) + next()) * 100) / 100,
      }));
      const shuffled = [...points].sort(() => next() - 0.5);
      for (let i = 0; i < shuffled.length; i += 37)
        store.add(
          "d1",
          shuffled.slice(i, i + 37).map((p) => r("t", p.t, p.v)),
          NOW,
        );
      expect(raw("t").points.length).toBe(points.length);
      for (const [tier, width] of [
        ["1m", MINUTE],
        ["1h", HOUR],
      ] as const) {
        const got = buckets("t", tier);
        const want = expected(points, width);
        expect(got.length).toBe(want.length);
        got.forEach((b, i) => {
          const w = want[i];
          expect({ ...b, mean: undefined }).toEqual({ ...w, mean: undefined });
          expect(b.mean).toBeCloseTo(w?.mean ?? Number.NaN, 9);
        });
      }
    });

    it("returns every bucket that overlaps the range, the one holding `from` too", () => {
      store.add("d1", [r("t", T0 + 30_000, 5), r("t", T0 + HOUR + 1, 6)], NOW);
      const q = { device: "d1", channel: "t", from: T0 + 40_000, to: T0 + HOUR + 2, limit: 10 };
      const minutes = store.query({ ...q, tier: "1m" });
      expect(minutes.tier !== "raw" && minutes.buckets.map((b) => b.t)).toEqual([T0, T0 + HOUR]);
      const hours = store.query({ ...q, tier: "1h" });
      expect(hours.tier !== "raw" && hours.buckets.map((b) => b.t)).toEqual([T0, T0 + HOUR]);
      const raw = store.query({ ...q, tier: "raw" });
      expect(raw.tier === "raw" && raw.points.map((p) => p.t)).toEqual([T0 + HOUR + 1]);
    });

    it("rolls booleans and strings up as count, first and last", () => {
      store.add(
        "d1",
        [r("relay", T0 + 5000, false), r("relay", T0, true), r("mode", T0, "auto"), r("mode", T0 + 1, "eco")],
        NOW,
      );
      expect(raw("relay").points).toEqual([
        { t: T0, v: true },
        { t: T0 + 5000, v: false },
      ]);
      expect(buckets("relay", "1m")).toEqual([{ t: T0, n: 2, first: true, last: false }]);
      expect(buckets("mode", "1h")).toEqual([{ t: T0, n: 2, first: "auto", last: "eco" }]);
    });

    it("does not add a reading older than the raw tier keeps", () => {
      const res = store.add("d1", [r("t", NOW - RETENTION.raw - 1, 1), r("t", NOW - RETENTION.raw, 2)], NOW);
      expect(res).toEqual({ added: 1, duplicates: 0, tooOld: 1 });
      expect(raw("t").points.map((p) => p.v)).toEqual([2]);
    });

    it("prunes each tier past its retention, in bounded steps, and nothing else", () => {
      const start = Date.UTC(2026, 0, 1);
      // One reading every 10 minutes for 50 days, added as they come.
      for (let t = start; t < start + 50 * DAY; t += 10 * MINUTE) store.add("d1", [r("t", t, 1)], t);
      const now = start + 50 * DAY;
      let steps = 0;
      while (store.prune(now, 500) > 0) steps++;
      expect(steps).toBeGreaterThan(1);
      const oldestRaw = raw("t").points[0]?.t ?? 0;
      expect(oldestRaw).toBeGreaterThanOrEqual(now - RETENTION.raw);
      expect(oldestRaw).toBeLessThan(now - RETENTION.raw + 10 * MINUTE);
      const minutes = buckets("t", "1m");
      expect(minutes[0]?.t).toBeGreaterThan(now - RETENTION["1m"] - MINUTE);
      expect(minutes[0]?.t).toBeLessThan(now - RETENTION["1m"] + 10 * MINUTE);
      const hours = buckets("t", "1h");
      expect(hours[0]?.t).toBeGreaterThan(now - RETENTION["1h"] - HOUR);
      expect(hours[0]?.t).toBeLessThanOrEqual(now - RETENTION["1h"] + HOUR);
      expect(hours.at(-1)?.t).toBe(bucketStart(now - 10 * MINUTE, HOUR));
      expect(store.prune(now, 500)).toBe(0);
    });

    it("keeps a device with its own retention by it, and every other device by the hub's", () => {
      const start = Date.UTC(2026, 0, 1);
      for (let t = start; t < start + 30 * DAY; t += 10 * MINUTE)
        for (const device of ["d1", "short"]) store.add(device, [r("t", t, 1)], t);
      const now = start + 30 * DAY;
      while (store.prune(now, 500) > 0);
      const oldest = (device: string, tier: "raw" | "1m") => {
        const page = store.query({ device, channel: "t", from: 0, to: now, tier, limit: 1 });
        return page.tier === "raw" ? page.points[0]?.t : page.buckets[0]?.t;
      };
      expect(oldest("short", "raw")).toBeGreaterThanOrEqual(now - SHORT.raw);
      expect(oldest("short", "raw")).toBeLessThan(now - SHORT.raw + 10 * MINUTE);
      expect(oldest("d1", "raw")).toBeGreaterThanOrEqual(now - RETENTION.raw);
      expect(oldest("d1", "raw")).toBeLessThan(now - RETENTION.raw + 10 * MINUTE);
      // Its rollups outlive its raw readings, by its own 1-minute retention.
      expect(oldest("short", "1m")).toBeLessThan(now - SHORT["1m"] + 10 * MINUTE);
      // A reading past its own raw tier is not taken; the same time is for another device.
      const late = now - 3 * DAY + 5 * MINUTE;
      expect(store.add("short", [r("t", late, 2)], now)).toEqual({ added: 0, duplicates: 0, tooOld: 1 });
      expect(store.add("d1", [r("t", late, 2)], now)).toEqual({ added: 1, duplicates: 0, tooOld: 0 });
    });

    it("forgets a device", () => {
      store.add("d1", [r("t", T0, 1)], NOW);
      store.add("d2", [r("t", T0, 2)], NOW);
      store.forget("d1");
      expect(raw("t").points).toEqual([]);
      expect(buckets("t", "1h")).toEqual([]);
      expect(store.channels("d2")).toEqual(["t"]);
    });

    it("keeps everything across a reopen", async () => {
      if (!factory.reopen) return;
      store.add("d1", [r("t", T0, 1), r("t", T0 + MINUTE, 3)], NOW);
      store = await factory.reopen();
      expect(raw("t").points.map((p) => p.v)).toEqual([1, 3]);
      expect(buckets("t", "1h")).toEqual([{ t: T0, n: 2, min: 1, max: 3, mean: 2, first: 1, last: 3 }]);
    });
  });
}
