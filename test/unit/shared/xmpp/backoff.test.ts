import { describe, expect, it } from "vitest";
import { Backoff } from "../../../../shared/xmpp/backoff";

describe("jittered exponential backoff", () => {
  it("doubles from the initial delay up to the cap, jittered between half and all of it", () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 60_000, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, maxMs: 60_000, random: () => 0.999999 });
    const lows = Array.from({ length: 9 }, () => low.next());
    const highs = Array.from({ length: 9 }, () => high.next());
    expect(lows).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(highs).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it("starts over after reset", () => {
    const backoff = new Backoff({ initialMs: 100, random: () => 0.999999 });
    backoff.next();
    backoff.next();
    expect(backoff.attempts).toBe(2);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it("rejects settings that could spin", () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 1000, maxMs: 10 })).toThrow(RangeError);
  });
});
