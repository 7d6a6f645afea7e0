/* The hub's time on the board: unknown until an offset was learnt, and waited for, bounded. */
import { describe, expect, it } from "vitest";
import { AgentClock } from "../../../agent/clock";
import { silentLogger } from "../../../shared/log";
import { manualClock } from "../../helpers/devices/clock";

describe("AgentClock", () => {
  it("knows no hub time before an offset; whenKnown resolves on setOffset, or false after the hold", async () => {
    const timers = manualClock(1000);
    const clock = new AgentClock({
      mode: "true",
      maxOffsetMs: 1,
      log: silentLogger(),
      now: timers.now,
      timers,
    });
    expect(clock.hubNow()).toBeUndefined();
    const first = clock.whenKnown(500);
    timers.advance(500);
    expect(await first).toBe(false);
    const second = clock.whenKnown(500);
    clock.setOffset(250);
    expect(await second).toBe(true);
    expect(clock.hubNow()).toBe(1750);
    expect(await clock.whenKnown(0)).toBe(true);
  });
});
