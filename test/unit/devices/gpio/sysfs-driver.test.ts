import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type OnoffGpio, sysfsGpioDriver } from "../../../../devices/gpio/sysfs-driver";
import { silentLogger } from "../../../../shared/log";
import { manualClock } from "../../../helpers/devices/clock";

const root = fileURLToPath(new URL("../../../fixtures/devices/gpio/pi4-6.6", import.meta.url));

/** Records what onoff would be asked to do; its epoll watch is triggered by hand. */
function recordingOnoff() {
  const calls: { n: number; direction: string; edge?: string; options?: object }[] = [];
  const writes: [number, number][] = [];
  const watchers: ((err: Error | null, v: 0 | 1) => void)[] = [];
  const levels = new Map<number, 0 | 1>();
  class Gpio implements OnoffGpio {
    constructor(
      readonly n: number,
      direction: string,
      edge?: string,
      options?: object,
    ) {
      calls.push({ n, direction, edge, options });
      if (direction === "high") levels.set(n, 1);
      if (direction === "low") levels.set(n, 0);
    }
    async read() {
      return levels.get(this.n) ?? 0;
    }
    async write(v: 0 | 1) {
      writes.push([this.n, v]);
      levels.set(this.n, v);
    }
    watch(cb: (err: Error | null | undefined, v: 0 | 1) => void) {
      watchers.push(cb as (err: Error | null, v: 0 | 1) => void);
    }
    unwatchAll() {
      watchers.length = 0;
    }
    unexport() {}
  }
  return { Gpio, calls, writes, watchers, setLevel: (n: number, v: 0 | 1) => levels.set(n, v) };
}

const outputOptions = { activeLow: false, initial: "keep" as const, safeState: false };

describe("sysfs GPIO driver (onoff injected)", () => {
  it("claims outputs with 'high'/'low' at the mapped number, never plain 'out'", async () => {
    const onoff = recordingOnoff();
    const driver = sysfsGpioDriver({ Gpio: onoff.Gpio, root, clock: manualClock(), log: silentLogger() });
    await driver.openOutput({ pin: 5, activeLow: true, initial: false, safeState: false });
    await driver.openOutput({ pin: 6, activeLow: true, initial: true, safeState: false });
    await driver.openOutput({ pin: 7, activeLow: false, initial: true, safeState: false });
    expect(onoff.calls.map((c) => [c.n, c.direction])).toEqual([
      [517, "high"],
      [518, "low"],
      [519, "high"],
    ]);
  });

  it("'keep' keeps the level of an output that is already exported (agent restart)", async () => {
    const onoff = recordingOnoff();
    const driver = sysfsGpioDriver({ Gpio: onoff.Gpio, root, clock: manualClock(), log: silentLogger() });
    // gpio529 (BCM 17) is an output at 1 in the fixture; gpio539 (BCM 27) is an input.
    const kept = await driver.openOutput({ pin: 17, ...outputOptions });
    await driver.openOutput({ pin: 27, ...outputOptions, safeState: true, activeLow: true });
    expect(onoff.calls.map((c) => [c.n, c.direction])).toEqual([
      [529, "high"],
      [539, "low"],
    ]);
    expect(await kept.read()).toBe(true);
    await kept.write(false);
    expect(onoff.writes).toEqual([[529, 0]]);
  });

  it("inputs: edge and debounce go to onoff, values are inverted for active-low", async () => {
    const onoff = recordingOnoff();
    const clock = manualClock(5);
    const driver = sysfsGpioDriver({ Gpio: onoff.Gpio, root, clock, log: silentLogger() });
    const input = await driver.openInput({
      pin: 22,
      edge: "falling",
      debounceMs: 25,
      pull: "none",
      activeLow: true,
    });
    expect(onoff.calls[0]).toEqual({
      n: 534,
      direction: "in",
      edge: "falling",
      options: { debounceTimeout: 25 },
    });
    const seen: unknown[] = [];
    const errors: Error[] = [];
    input.watch(
      (e) => seen.push(e),
      (e) => errors.push(e),
    );
    onoff.watchers[0]?.(null, 0);
    onoff.watchers[0]?.(new Error("EPOLL"), 0);
    expect(seen).toEqual([{ value: true, t: 5 }]);
    expect(errors[0]?.message).toMatch(/EPOLL/);
    onoff.setLevel(534, 1);
    expect(await input.read()).toBe(false);
  });

  it("fails with the chip error on a board without a header controller", async () => {
    const other = fileURLToPath(new URL("../../../fixtures/devices/gpio/other", import.meta.url));
    const driver = sysfsGpioDriver({
      Gpio: recordingOnoff().Gpio,
      root: other,
      clock: manualClock(),
      log: silentLogger(),
    });
    await expect(driver.openOutput({ pin: 17, ...outputOptions })).rejects.toMatchObject({
      code: "gpio-chip-not-found",
    });
  });
});
