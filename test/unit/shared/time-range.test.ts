import { describe, expect, it } from "vitest";
import { parseDuration, parseMoment } from "../../../shared/time-range";

const NOW = Date.UTC(2026, 11, 2, 12);

describe("times as people type them", () => {
  it("reads durations back from now", () => {
    expect(parseDuration("90m")).toBe(90 * 60_000);
    expect(parseMoment("24h", NOW)).toBe(NOW - 86_400_000);
    expect(parseMoment("7d", NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseMoment("1y", NOW)).toBe(NOW - 365 * 86_400_000);
    expect(parseDuration("0h")).toBeUndefined();
    expect(parseDuration("24 hours")).toBeUndefined();
  });

  it("reads dates as midnight UTC and XEP-0082 date-times", () => {
    expect(parseMoment("2026-12-01", NOW)).toBe(Date.UTC(2026, 11, 1));
    expect(parseMoment("2026-12-01T08:30:00Z", NOW)).toBe(Date.UTC(2026, 11, 1, 8, 30));
    expect(parseMoment("2026-13-01", NOW)).toBeUndefined();
    expect(parseMoment("yesterday", NOW)).toBeUndefined();
  });
});
