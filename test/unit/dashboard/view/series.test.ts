import { describe, expect, it } from "vitest";
import { formatValue, MAX_POINTS, Series, WINDOW_MS } from "../../../../dashboard/view/series";
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
});
