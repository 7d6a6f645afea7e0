/* The time range of the hub's history command: the words people type, what they mean at a given
 * moment, and the problems named for words that look like a range but are none. */
import { describe, expect, it } from "vitest";
import { resolveRange, timeRange } from "../../../../shared/chat/range";

const NOW = Date.UTC(2026, 11, 2, 12);
const H = 3_600_000;

describe("chat time ranges", () => {
  it("reads a duration back from now, any case", () => {
    expect(timeRange(["24h"])).toEqual({ ok: true, value: { kind: "back", duration: "24h" } });
    expect(timeRange(["7D"])).toEqual({ ok: true, value: { kind: "back", duration: "7d" } });
    for (const [words, back] of [
      ["24h", 24 * H],
      ["7d", 7 * 24 * H],
      ["30d", 30 * 24 * H],
      ["90m", 1.5 * H],
      ["1y", 365 * 24 * H],
    ] as const) {
      const r = timeRange([words]);
      if (!r.ok) throw new Error(`${words} did not read`);
      expect(resolveRange(r.value, NOW)).toEqual({
        ok: true,
        from: NOW - back,
        to: NOW,
        label: `last ${words}`,
      });
    }
  });

  it("reads from <when> [to <when>] with dates, date-times and durations", () => {
    const r = timeRange(["from", "2026-12-01", "TO", "2026-12-01T08:30:00Z"]);
    expect(r).toEqual({
      ok: true,
      value: { kind: "between", from: "2026-12-01", to: "2026-12-01T08:30:00Z" },
    });
    if (!r.ok) return;
    expect(resolveRange(r.value, NOW)).toEqual({
      ok: true,
      from: Date.UTC(2026, 11, 1),
      to: Date.UTC(2026, 11, 1, 8, 30),
    });
    const open = timeRange(["from", "6h"]);
    if (!open.ok) throw new Error("from 6h did not read");
    expect(resolveRange(open.value, NOW)).toEqual({ ok: true, from: NOW - 6 * H, to: NOW });
    const back = timeRange(["from", "2d", "to", "1d"]);
    if (!back.ok) throw new Error("from 2d to 1d did not read");
    expect(resolveRange(back.value, NOW)).toEqual({ ok: true, from: NOW - 48 * H, to: NOW - 24 * H });
  });

  it("names what is wrong with words that look like a range, and leaves other words alone", () => {
    expect(timeRange(["24hours"])).toEqual({
      ok: false,
      problem: '"24hours" is not a duration (such as 24h, 7d or 30d)',
    });
    expect(timeRange(["from", "yesterday"])).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^"yesterday" is not a time: give a duration/),
    });
    expect(timeRange(["from", "2026-12-01", "until", "2026-12-02"])).toEqual({
      ok: false,
      problem: "give a duration such as 24h, or from <when> to <when>",
    });
    expect(timeRange(["from"])).toMatchObject({ ok: false, problem: expect.any(String) });
    expect(timeRange(["onn"])).toEqual({ ok: false });
    expect(timeRange(["relay", "on"])).toEqual({ ok: false });
    const reversed = timeRange(["from", "2026-12-02", "to", "2026-12-01"]);
    if (!reversed.ok) throw new Error("did not read");
    expect(resolveRange(reversed.value, NOW)).toEqual({
      ok: false,
      problem: "the range ends before it starts",
    });
  });
});
