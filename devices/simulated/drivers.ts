/* Simulated drivers: deterministic given a seed and the injected clock, so tests compute expected values. */
import { z } from "zod";
import { DeviceError } from "../errors";
import type { ActuatorDriver, Clock, Range, Sample, SensorDriver } from "../types";
import { seededRandom } from "./random";
import { roundTo, type Waveform, waveformGenerator, waveformSchema } from "./waveform";

export function simulatedSensorSchema(defaultWaveform: Waveform) {
  return z.object({
    seed: z.number().int().default(1),
    waveform: waveformSchema.default(defaultWaveform),
    noise: z.object({ stddev: z.number().nonnegative() }).default({ stddev: 0 }),
    decimals: z.number().int().min(0).max(6).default(2),
  });
}
export type SimulatedSensorOptions = z.output<ReturnType<typeof simulatedSensorSchema>>;

/**
 * Value at each read: waveform(elapsed since creation) + stddev × N(0,1), clamped to the channel range,
 * rounded to `decimals`. Random numbers are drawn in this order per read: walk step (random walk
 * only), then noise (only when stddev > 0).
 */
export function simulatedSensor(
  channel: string,
  range: Range | undefined,
  options: SimulatedSensorOptions,
  clock: Clock,
): SensorDriver {
  const random = seededRandom(options.seed);
  const wave = waveformGenerator(options.waveform, random);
  const started = clock.now();
  let closed = false;
  return {
    acquisition: "poll",
    async read() {
      if (closed) throw new DeviceError("closed", `${channel}: read after close`);
      const t = clock.now();
      let value = wave(t - started);
      if (options.noise.stddev > 0) value += options.noise.stddev * random.normal();
      if (range) value = Math.min(range.max, Math.max(range.min, value));
      return { [channel]: { value: roundTo(value, options.decimals), t } };
    },
    async close() {
      closed = true;
    },
  };
}

export const simulatedRelaySchema = z.object({
  /** State at start; a restart of the agent with the same options comes back in this state. */
  initial: z.boolean().default(false),
  /** Simulated switching time; 0 applies at once. */
  delayMs: z.number().int().nonnegative().default(0),
});
export type SimulatedRelayOptions = z.output<typeof simulatedRelaySchema>;

export function simulatedRelay(
  channel: string,
  options: SimulatedRelayOptions,
  clock: Clock,
): ActuatorDriver {
  let state: Sample<boolean> = { value: options.initial, t: clock.now() };
  let closed = false;
  const wait = (ms: number) =>
    ms === 0 ? Promise.resolve() : new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  return {
    acquisition: "actuator",
    async set(value) {
      if (closed) throw new DeviceError("closed", `${channel}: set after close`);
      if (typeof value !== "boolean") {
        throw new DeviceError("bad-value", `${channel}: expected a boolean, got ${JSON.stringify(value)}`);
      }
      await wait(options.delayMs);
      state = { value, t: clock.now() };
      return { ...state };
    },
    async read() {
      return { [channel]: { ...state } };
    },
    async close() {
      closed = true;
    },
  };
}
