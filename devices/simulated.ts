/* Simulated devices: the default for demos and tests (docs/design.md §5: `npm start` runs a simulated agent). */
import { humidity, relay, temperature } from "./lib/channels";
import { defineDevice } from "./lib/define";
import {
  simulatedRelay,
  simulatedRelaySchema,
  simulatedSensor,
  simulatedSensorSchema,
} from "./simulated/drivers";
import type { DeviceDefinition } from "./types";

const temperatureChannel = temperature({ range: { min: -40, max: 85 } });
const humidityChannel = humidity();

export const definitions: DeviceDefinition[] = [
  defineDevice({
    model: "sim-temperature",
    description: "Simulated temperature sensor (sine, random walk or step, with noise)",
    bus: "none",
    acquisition: "poll",
    channels: [temperatureChannel],
    options: simulatedSensorSchema({ type: "sine", mean: 21, amplitude: 3, periodMs: 3_600_000, phase: 0 }),
    example: {
      seed: 42,
      waveform: { type: "sine", mean: 21, amplitude: 3, periodMs: 3_600_000 },
      noise: { stddev: 0.1 },
    },
    create: (o, ctx) => simulatedSensor(temperatureChannel.name, temperatureChannel.range, o, ctx.clock),
  }),
  defineDevice({
    model: "sim-humidity",
    description: "Simulated relative humidity sensor, clamped to 0–100 %",
    bus: "none",
    acquisition: "poll",
    channels: [humidityChannel],
    options: simulatedSensorSchema({ type: "random-walk", start: 50, step: 1, min: 20, max: 80 }),
    example: {
      seed: 7,
      waveform: { type: "random-walk", start: 45, step: 0.5, min: 30, max: 70 },
      decimals: 1,
    },
    create: (o, ctx) => simulatedSensor(humidityChannel.name, humidityChannel.range, o, ctx.clock),
  }),
  defineDevice({
    model: "sim-relay",
    description: "Simulated relay that remembers its state",
    bus: "none",
    acquisition: "actuator",
    channels: [relay()],
    options: simulatedRelaySchema,
    example: { initial: false },
    create: (o, ctx) => simulatedRelay("relay", o, ctx.clock),
  }),
];
