/* GPIO device definitions over the fake board: relay restart without glitches, active-low, inputs. */
import { describe, expect, it } from "vitest";
import { createDriver, findDefinition } from "../../../../devices/index";
import type { ActuatorDriver, DriverContext, PushSensorDriver, Samples } from "../../../../devices/types";
import { manualClock, testContext } from "../../../helpers/devices/clock";
import { type FakeBoard, fakeBoard, fakeGpioDriver } from "../../../helpers/devices/fake-gpio";

function agent(board: FakeBoard, clock = manualClock()): DriverContext {
  return testContext({ clock, gpio: () => fakeGpioDriver(board, clock) });
}

const relayOptions = { pin: 17, activeLow: true, initial: "keep", safeState: false };

describe("GPIO relay on the fake board", () => {
  it("records every write with a time; active-low inverts the level", async () => {
    const board = fakeBoard();
    const clock = manualClock(100);
    const relay = createDriver(
      findDefinition("gpio-relay")!,
      relayOptions,
      agent(board, clock),
    ) as ActuatorDriver;
    expect(board.writes).toEqual([]);
    expect((await relay.read()).relay?.value).toBe(false);
    clock.advance(50);
    expect(await relay.set(true)).toEqual({ value: true, t: 150 });
    expect(board.writes).toEqual([
      { pin: 17, level: 1, t: 100, via: "claim" },
      { pin: 17, level: 0, t: 150, via: "write" },
    ]);
    await expect(relay.set("on")).rejects.toMatchObject({ code: "bad-value" });
  });

  it("re-opening an output (agent restart) never drives it away from its state", async () => {
    const board = fakeBoard();
    const clock = manualClock();
    const first = createDriver(
      findDefinition("gpio-relay")!,
      relayOptions,
      agent(board, clock),
    ) as ActuatorDriver;
    await first.set(true);
    await first.close();
    const before = board.writes.length;
    for (let restart = 0; restart < 3; restart++) {
      clock.advance(1000);
      const again = createDriver(
        findDefinition("gpio-relay")!,
        relayOptions,
        agent(board, clock),
      ) as ActuatorDriver;
      expect((await again.read()).relay?.value).toBe(true);
      await again.close();
    }
    expect(board.writes.slice(before)).toEqual([]);
    expect(board.levels.get(17)).toBe(0);
  });

  it("an explicit initial state is applied at claim time, in one write", async () => {
    const board = fakeBoard();
    const led = createDriver(
      findDefinition("gpio-led")!,
      { pin: 27, initial: true },
      agent(board),
    ) as ActuatorDriver;
    expect((await led.read()).led?.value).toBe(true);
    expect(board.writes).toEqual([expect.objectContaining({ pin: 27, level: 1, via: "claim" })]);
  });

  it("fails clearly without a GPIO driver in the context", () => {
    expect(() => createDriver(findDefinition("gpio-relay")!, relayOptions, testContext())).toThrow(
      /no GPIO driver/,
    );
  });
});

describe("GPIO input on the fake board", () => {
  it("reports edges as boolean samples with active-low applied", async () => {
    const board = fakeBoard();
    const clock = manualClock(7);
    const options = { pin: 22, pull: "up", activeLow: true, debounceMs: 0 };
    const input = createDriver(
      findDefinition("gpio-input")!,
      options,
      agent(board, clock),
    ) as PushSensorDriver;
    const seen: Samples[] = [];
    input.subscribe((s) => seen.push(s));
    await expect(input.read()).resolves.toEqual({ state: { value: false, t: 7 } });
    board.setInput(22, 0);
    board.setInput(22, 1);
    expect(seen).toEqual([{ state: { value: true, t: 7 } }, { state: { value: false, t: 7 } }]);
    await input.close();
    board.setInput(22, 0);
    expect(seen).toHaveLength(2);
  });
});
