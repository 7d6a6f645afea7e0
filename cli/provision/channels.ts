/* The channels a new bundle's agent.json starts with. `--model` picks a simulated set (a device
 * that runs and publishes before anyone wires real sensors) or a real model from the devices/
 * catalogue, whose `--options.*` are checked with the model's own schema; any other name is refused
 * with the list of known models.
 * References: devices/simulated.ts (sim-temperature, sim-humidity, sim-relay), devices/index.ts,
 * docs/design.md §2 (channel names). */
import { definitions, findDefinition, validateOptions } from "../../devices";
import { UsageError } from "../command";

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

/** Every model `--model` takes: the simulated sets, then the catalogue's real models. */
export function knownModels(): string[] {
  const real = definitions.map((d) => d.model).filter((m) => !m.startsWith("sim-"));
  return [...Object.keys(CHANNEL_SETS), ...real];
}

/** A string flag value as JSON when it reads as a number, boolean or null ("17" → 17). */
function coerce(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null ? value : parsed;
  } catch {
    return value;
  }
}

/** The entry's name: the model's only channel, else the model name made a channel name. */
function entryName(model: string, channels: readonly { name: string }[]): string {
  if (channels.length === 1 && channels[0]) return channels[0].name;
  return model.replace(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, "") || "device";
}

/** The agent.json channels for a model; throws a UsageError naming the --options flag at fault. */
export function channelsFor(model: string, options: Record<string, unknown> = {}): { channels: Channels } {
  const set = CHANNEL_SETS[model];
  if (set) {
    if (Object.keys(options).length > 0)
      throw new UsageError(`--options.* are for catalogue models; ${model} is a simulated set`);
    return { channels: set };
  }
  const definition = findDefinition(model);
  if (!definition || model.startsWith("sim-"))
    throw new UsageError(`unknown model "${model}"; known models: ${knownModels().join(", ")}`);
  const raw = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, coerce(v)]));
  const checked = validateOptions(definition, raw);
  if (!checked.ok) {
    const issue = checked.issues[0];
    const flag = issue?.path ? `--options.${issue.path}` : "--options";
    throw new UsageError(`${flag}: ${model}: ${issue?.message ?? "invalid"}`);
  }
  const name = entryName(model, definition.channelsFor?.(checked.options) ?? definition.channels);
  return { channels: { [name]: { model, options: raw } } };
}
