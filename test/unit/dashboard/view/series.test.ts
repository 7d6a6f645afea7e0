import { describe, expect, it } from "vitest";
import { BUCKET_MS, formatValue, MAX_POINTS, Series, WINDOW_MS } from "../../../../dashboard/view/series";
import { formatValue as formatShared } from "../../../../shared/format";

describe("chart series", () => {
  it("keeps time order without duplicates when history and live points overlap", () => {
    const s = new Series();
    expect(s.add(3000, 3)).toBe(true);
    expect(s.add(1000, 1)).toBe(true);
    expect(s.add(2000, 2)).toBe(true);
    expect(s.add(2000, 2)).toBe(false);
    expect(s.data()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(s.last).toEqual({ t: 3000, v: 3 });
  });

  it("draws booleans as 0/1, keeps text only as the last value, and trims to the window", () => {
    const s = new Series();
    s.add(0, true);
    s.add(1, false);
    s.add(2, "text");
    expect(s.values).toEqual([1, 0]);
    expect(s.last?.v).toBe("text");
    s.add(WINDOW_MS + 10, 5);
    expect(s.times).toEqual([WINDOW_MS + 10]);
    const many = new Series();
    for (let i = 0; i < MAX_POINTS + 50; i++) many.add(i, i);
    expect(many.times.length).toBe(MAX_POINTS);
    expect(many.times[0]).toBe(50);
  });

  it("formats the last value as chat and status do", () => {
    expect(formatValue(21.456)).toBe(formatShared(21.456));
    expect(formatValue(44.5)).toBe("44.5"); // not 44.50
    expect(formatValue(21.456)).toBe("21.46");
    expect(formatValue(1013.27)).toBe("1013.3");
    expect(formatValue(3)).toBe("3");
    expect(formatValue(true)).toBe("on");
    expect(formatValue(undefined)).toBe("–");
  });

  it("draws the hub's buckets as their mean between a min and a max series (the band)", () => {
    const s = new Series({ resolution: "1m", windowMs: Number.POSITIVE_INFINITY });
    const bucket = (t: number, min: number, max: number) => ({
      t,
      n: 3,
      first: min,
      last: max,
      min,
      max,
      mean: (min + max) / 2,
    });
    expect(s.addBucket(bucket(120_000, 20, 22))).toBe(true);
    expect(s.addBucket(bucket(60_000, 19, 23))).toBe(true);
    expect(s.addBucket(bucket(60_000, 19, 23))).toBe(false);
    expect(s.banded).toBe(true);
    expect(s.data()).toEqual([
      [60, 120],
      [21, 21],
      [19, 20],
      [23, 22],
    ]);
    expect(s.last).toEqual({ t: 120_000, v: 22 });
    // Booleans roll up without min, max or mean: their last value is drawn, with no band.
    const relay = new Series({ resolution: "1h" });
    relay.addBucket({ t: 0, n: 4, first: false, last: true });
    expect(relay.banded).toBe(false);
    expect(relay.data()).toEqual([[0], [1]]);
  });

  it("folds a live reading into its bucket, but not one the buckets already hold", () => {
    const minute = BUCKET_MS["1m"];
    const s = new Series({ resolution: "1m", coveredUntil: 2 * minute, windowMs: Number.POSITIVE_INFINITY });
    s.addBucket({ t: minute, n: 2, first: 10, last: 12, min: 10, max: 12, mean: 11 });
    expect(s.add(minute + 30_000, 50)).toBe(false); // before `to` of the history query
    expect(s.add(2 * minute + 1000, 30)).toBe(true);
    expect(s.add(2 * minute + 2000, 10)).toBe(true);
    expect(s.data()).toEqual([
      [60, 120],
      [11, 20],
      [10, 10],
      [12, 30],
    ]);
    expect(s.last).toEqual({ t: 2 * minute + 2000, v: 10 });
  });

  it("keeps a fixed range whole, and trims a live one to its own span", () => {
    const fixed = new Series({ windowMs: Number.POSITIVE_INFINITY, maxPoints: 10_000 });
    for (let i = 0; i < 3000; i++) fixed.add(i * 60_000, i);
    expect(fixed.times.length).toBe(3000);
    const live = new Series({ windowMs: 3_600_000, maxPoints: 10_000 });
    live.add(0, 1);
    live.add(3_600_000, 2);
    live.add(3_600_001, 3);
    expect(live.times).toEqual([3_600_000, 3_600_001]);
  });

  it("spans the x axis over the range picked, a live one ending at the newest entry", () => {
    const fixed = new Series({ windowMs: Number.POSITIVE_INFINITY, span: { from: 0, to: 7_200_000 } });
    fixed.add(3_600_000, 1);
    expect(fixed.xRange()).toEqual([0, 7200]);
    const live = new Series({ windowMs: 3_600_000, span: { from: 0, to: 3_600_000 } });
    expect(live.xRange()).toEqual([0, 3600]);
    live.add(3_660_000, 1);
    expect(live.xRange()).toEqual([60, 3660]);
    // Without a range: the data's span, and a lone point gets a minute either side.
    const bare = new Series();
    expect(bare.xRange()).toBeUndefined();
    bare.add(600_000, 1);
    expect(bare.xRange()).toEqual([540, 660]);
  });
});
