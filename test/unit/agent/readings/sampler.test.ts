import { describe, expect, it } from "vitest";
import type { OpenChannel } from "../../../../agent/channels";
import type { ChannelConfig } from "../../../../agent/config";
import { Sampler } from "../../../../agent/readings/sampler";
import { findDefinition } from "../../../../devices";
import type { Driver, Samples } from "../../../../devices/types";
import { silentLogger } from "../../../../shared/log";
import type { Reading } from "../../../../shared/model";
import { manualClock } from "../../../helpers/devices/clock";

const config = (o: Partial<ChannelConfig> = {}): ChannelConfig => ({
  model: "sim-temperature",
  options: {},
  intervalMs: 1000,
  jitter: 0,
  filters: {},
  ...o,
});

function channel(key: string, driver: Driver, c: ChannelConfig = config()): OpenChannel {
  return {
    key,
    config: c,
    definition: findDefinition("sim-temperature") as OpenChannel["definition"],
    options: {},
    channels: [{ role: "sensor", name: key, kind: "temperature", unit: "°C", valueType: "number" }],
    names: new Map([["temperature", key]]),
    driver,
  };
}

function setup(channels: OpenChannel[], random = () => 0.5) {
  const clock = manualClock(1_000_000);
  const readings: Reading[] = [];
  const produced: Reading[] = [];
  const sampler = new Sampler({
    channels,
    log: silentLogger(),
    onReading: (r) => readings.push(r),
    onProduced: (r) => produced.push(r),
    timers: clock,
    random,
  });
  return { clock, sampler, readings, produced };
}

describe("sampler", () => {
  it("polls each channel on its interval and renames the model's channel", async () => {
    let n = 0;
    const clockRef: { now: () => number } = { now: () => 0 };
    const driver: Driver = {
      acquisition: "poll",
      read: async (): Promise<Samples> => ({ temperature: { value: n++, t: clockRef.now() } }),
      close: async () => undefined,
    };
    const { clock, sampler, readings } = setup([channel("inside", driver, config({ intervalMs: 500 }))]);
    clockRef.now = clock.now;
    sampler.start();
    for (let i = 0; i < 4; i++) {
      clock.advance(i === 0 ? 0 : 500);
      await Promise.resolve();
      await Promise.resolve();
    }
    expect(readings).toEqual([
      { c: "inside", t: 1_000_000, v: 0 },
      { c: "inside", t: 1_000_500, v: 1 },
      { c: "inside", t: 1_001_000, v: 2 },
      { c: "inside", t: 1_001_500, v: 3 },
    ]);
    sampler.stop();
  });

  it("draws each wait from interval × [1 − jitter, 1 + jitter]", async () => {
    const times: number[] = [];
    const { clock, sampler } = setup(
      [
        channel(
          "t",
          {
            acquisition: "poll",
            read: async () => {
              times.push(clock.now());
              return {};
            },
            close: async () => undefined,
          },
          config({ intervalMs: 1000, jitter: 0.2 }),
        ),
      ],
      () => 1,
    );
    sampler.start();
    for (let i = 0; i < 3; i++) {
      clock.advance(i === 0 ? 0 : 1200);
      await Promise.resolve();
      await Promise.resolve();
    }
    expect(times).toEqual([1_000_000, 1_001_200, 1_002_400]);
    sampler.stop();
  });

  it("turns failing reads into backoff, not crashes, and resumes after a good read", async () => {
    let fail = 3;
    const times: number[] = [];
    const { clock, sampler, readings } = setup([
      channel("t", {
        acquisition: "poll",
        read: async () => {
          times.push(clock.now());
          if (fail-- > 0) throw new Error("i2c timeout");
          return { temperature: { value: 20, t: clock.now() } };
        },
        close: async () => undefined,
      }),
    ]);
    sampler.start();
    for (const step of [0, 2000, 4000, 8000, 1000]) {
      clock.advance(step);
      for (let i = 0; i < 4; i++) await Promise.resolve();
    }
    // Waits after 1, 2, 3 failures: 2 s, 4 s, 8 s; then back to the 1 s interval.
    expect(times.map((t) => t - 1_000_000)).toEqual([0, 2000, 6000, 14000, 15000]);
    expect(readings.length).toBe(1);
    sampler.stop();
  });

  it("filters readings, reports actuator states, and skips polls while paused", async () => {
    const { clock, sampler, readings, produced } = setup([
      channel("t", {
        acquisition: "poll",
        read: async () => ({ temperature: { value: 5 } }),
        close: async () => undefined,
      }),
    ]);
    sampler.start();
    clock.advance(0);
    for (let i = 0; i < 4; i++) await Promise.resolve();
    clock.advance(1000);
    for (let i = 0; i < 4; i++) await Promise.resolve();
    expect(produced.length).toBe(2);
    expect(readings.length).toBe(1); // the same value again does not pass (on change)
    sampler.pause(true);
    clock.advance(5000);
    for (let i = 0; i < 4; i++) await Promise.resolve();
    expect(produced.length).toBe(2);
    sampler.report("relay", { value: true, t: 42 });
    expect(readings.at(-1)).toEqual({ c: "relay", t: 42, v: true });
    sampler.stop();
  });

  it("passes pushed samples through as they come and unsubscribes on stop", () => {
    let listener: ((s: Samples) => void) | undefined;
    const { sampler, readings } = setup([
      channel("t", {
        acquisition: "push",
        subscribe: (l) => {
          listener = l;
          return () => {
            listener = undefined;
          };
        },
        read: async () => ({}),
        close: async () => undefined,
      }),
    ]);
    sampler.start();
    listener?.({ temperature: { value: 1, t: 7, quality: "estimate" } });
    expect(readings).toEqual([{ c: "t", t: 7, v: 1, q: "estimate" }]);
    sampler.stop();
    expect(listener).toBeUndefined();
  });
});
