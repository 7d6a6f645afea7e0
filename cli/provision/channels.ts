/* The channels a new bundle's agent.json starts with: simulated devices, so a provisioned device
 * runs and publishes before anyone wires real sensors. `--model` picks a set; any other model
 * gets the default set (with a warning), to be edited for the real hardware.
 * References: devices/simulated.ts (sim-temperature, sim-humidity, sim-relay), docs/design.md §2. */

type Channels = Record<string, Record<string, unknown>>;

const temperature = {
  model: "sim-temperature",
  options: {
    waveform: { type: "sine", mean: 21, amplitude: 3, periodMs: 3_600_000 },
    noise: { stddev: 0.1 },
  },
  intervalMs: 1000,
  filters: { deadband: 0.05, heartbeatMs: 60_000 },
};
const humidity = {
  model: "sim-humidity",
  options: { waveform: { type: "random-walk", start: 45, step: 0.5, min: 30, max: 70 }, decimals: 1 },
  intervalMs: 5000,
  filters: { clamp: { min: 0, max: 100 }, heartbeatMs: 300_000 },
};
const relay = { model: "sim-relay", options: { initial: false } };

export const DEFAULT_MODEL = "xiot-simulated";

export const CHANNEL_SETS: Readonly<Record<string, Channels>> = {
  [DEFAULT_MODEL]: { temperature, humidity, relay },
  "sim-thermometer": { temperature },
  "sim-climate": { temperature, humidity },
  "sim-relay-board": { relay },
};

/** The channel set for a model, and whether it is the default stand-in for an unknown model. */
export function channelsFor(model: string): { channels: Channels; standIn: boolean } {
  const known = CHANNEL_SETS[model];
  return known
    ? { channels: known, standIn: false }
    : { channels: CHANNEL_SETS[DEFAULT_MODEL] as Channels, standIn: true };
}
