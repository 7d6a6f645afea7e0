import { describe, expect, it } from "vitest";
import { createSerialQueue, lockoutMs, recordFailure } from "../../../../hub/devices/lockout";
import { createMemoryDeviceStore } from "../../../../hub/devices/memory";
import { DEFAULT_LOCKOUT } from "../../../../hub/devices/types";

describe("lockout", () => {
  it("allows five failures, then doubles from 1 s up to 1 h", () => {
    const ms = [1, 4, 5, 6, 7, 10, 16, 17, 40].map((n) => lockoutMs(n, DEFAULT_LOCKOUT));
    expect(ms).toEqual([0, 0, 1000, 2000, 4000, 32_000, 2_048_000, 3_600_000, 3_600_000]);
  });

  it("counts failures per scope and starts again after a quiet day", async () => {
    const store = createMemoryDeviceStore();
    let rec = await recordFailure(store, "device:d1", 1000, DEFAULT_LOCKOUT);
    for (let i = 0; i < 4; i++) rec = await recordFailure(store, "device:d1", 1000, DEFAULT_LOCKOUT);
    expect(rec).toEqual({ scope: "device:d1", failures: 5, lockedUntil: 2000, lastFailure: 1000 });
    const later = 1000 + DEFAULT_LOCKOUT.resetAfterMs + 1;
    expect(await recordFailure(store, "device:d1", later, DEFAULT_LOCKOUT)).toEqual({
      scope: "device:d1",
      failures: 1,
      lockedUntil: 0,
      lastFailure: later,
    });
    expect(await store.getAttempts("device:d2")).toBeUndefined();
  });

  it("runs queued tasks one at a time, in order, past failures", async () => {
    const serial = createSerialQueue();
    const log: string[] = [];
    const task =
      (name: string, fails = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setImmediate(r));
        log.push(`end ${name}`);
        if (fails) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([serial(task("a")), serial(task("b", true)), serial(task("c"))]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});
