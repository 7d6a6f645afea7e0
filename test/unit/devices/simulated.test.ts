import { describe, expect, it } from "vitest";
import { createDriver, findDefinition } from "../../../devices/index";
import { seededRandom } from "../../../devices/simulated/random";
import type { ActuatorDriver, SensorDriver } from "../../../devices/types";
import { manualClock, testContext } from "../../helpers/devices/clock";

function sensor(model: string, options: unknown, clock = manualClock()) {
  const driver = createDriver(findDefinition(model)!, options, testContext({ clock })) as SensorDriver;
  return { driver, clock };
}

describe("simulated sensors", () => {
  it("follows a sine of elapsed clock time", async () => {
    const { driver, clock } = sensor("sim-temperature", {
      waveform: { type: "sine", mean: 20, amplitude: 4, periodMs: 1000 },
      decimals: 3,
    });
    const t0 = clock.now();
    expect(await driver.read()).toEqual({ temperature: { value: 20, t: t0 } });
    clock.advance(250);
    expect((await driver.read()).temperature).toEqual({ value: 24, t: t0 + 250 });
    clock.advance(500);
    expect((await driver.read()).temperature?.value).toBe(16);
    clock.advance(125);
    expect((await driver.read()).temperature?.value).toBeCloseTo(20 - 4 * Math.SQRT1_2, 3);
  });

  it("steps through levels and cycles", async () => {
    const { driver, clock } = sensor("sim-temperature", {
      waveform: { type: "step", levels: [1, 5, 9], periodMs: 100 },
    });
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      seen.push((await driver.read()).temperature?.value);
      clock.advance(100);
    }
    expect(seen).toEqual([1, 5, 9, 1]);
  });

  it("is reproducible for a seed: random walk and noise follow the seeded stream", async () => {
    const options = {
      seed: 99,
      waveform: { type: "random-walk", start: 50, step: 2, min: 0, max: 100 },
      noise: { stddev: 0.5 },
      decimals: 6,
    };
    const a = sensor("sim-humidity", options).driver;
    const b = sensor("sim-humidity", options).driver;
    const random = seededRandom(99);
    let x = 50;
    for (let i = 0; i < 20; i++) {
      x = Math.min(100, Math.max(0, x + (random.next() * 2 - 1) * 2));
      const expected = Math.round((x + 0.5 * random.normal()) * 1e6) / 1e6;
      const [ra, rb] = [await a.read(), await b.read()];
      expect(ra.humidity?.value).toBeCloseTo(expected, 6);
      expect(rb).toEqual(ra);
    }
    const c = sensor("sim-humidity", { ...options, seed: 100 }).driver;
    expect((await c.read()).humidity?.value).not.toBe(
      (await sensor("sim-humidity", options).driver.read()).humidity?.value,
    );
  });

  it("clamps to the channel range", async () => {
    const { driver } = sensor("sim-humidity", { waveform: { type: "step", levels: [150], periodMs: 10 } });
    expect((await driver.read()).humidity?.value).toBe(100);
  });

  it("refuses reads after close", async () => {
    const { driver } = sensor("sim-temperature", {});
    await driver.close();
    await expect(driver.read()).rejects.toMatchObject({ code: "closed" });
  });
});

describe("simulated relay", () => {
  it("remembers its state and refuses non-boolean values", async () => {
    const clock = manualClock();
    const relay = createDriver(
      findDefinition("sim-relay")!,
      { initial: true },
      testContext({ clock }),
    ) as ActuatorDriver;
    expect((await relay.read()).relay?.value).toBe(true);
    clock.advance(10);
    expect(await relay.set(false)).toEqual({ value: false, t: clock.now() });
    expect((await relay.read()).relay).toEqual({ value: false, t: clock.now() });
    await expect(relay.set(1)).rejects.toMatchObject({ code: "bad-value" });
    expect((await relay.read()).relay?.value).toBe(false);
  });

  it("applies after the configured switching delay on the injected clock", async () => {
    const clock = manualClock();
    const relay = createDriver(
      findDefinition("sim-relay")!,
      { delayMs: 50 },
      testContext({ clock }),
    ) as ActuatorDriver;
    const pending = relay.set(true);
    expect((await relay.read()).relay?.value).toBe(false);
    clock.advance(50);
    expect(await pending).toMatchObject({ value: true });
  });
});
