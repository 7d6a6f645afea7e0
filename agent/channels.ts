/* The configured channels, checked against the devices/ catalogue, and their drivers.
 * References: docs/design.md §2 (channel names `[a-z][a-z0-9_]{0,31}`; units live in meta).
 *
 * A channel entry names one device model. A model with one channel publishes under the entry's
 * name (`"inside": { "model": "sim-temperature" }` → channel `inside`); a model with several
 * publishes `<entry>_<channel>` (`"air": { "model": "iio", … }` → `air_temperature`, …). */
import {
  createDriver,
  type DeviceDefinition,
  type Driver,
  type DriverContext,
  findDefinition,
  validateOptions,
} from "../devices";
import type { ActuatorChannel, Channel } from "../devices/types";
import { ConfigError } from "../shared/config/errors";
import { CHANNEL_RE } from "../shared/model";
import type { AgentConfig, ChannelConfig } from "./config";

export interface ChannelPlan {
  key: string;
  config: ChannelConfig;
  definition: DeviceDefinition;
  /** Options after the model's schema applied its defaults. */
  options: unknown;
  /** The model's channels under the names readings carry. */
  channels: Channel[];
  /** Model channel name → published channel name. */
  names: Map<string, string>;
}

export interface OpenChannel extends ChannelPlan {
  driver: Driver;
}

/** Checks every channel entry; throws a ConfigError naming the first bad key. */
export function planChannels(config: AgentConfig): ChannelPlan[] {
  const seen = new Map<string, string>();
  return Object.entries(config.channels).map(([key, entry]) => {
    const plan = planOne(key, entry);
    for (const ch of plan.channels) {
      const other = seen.get(ch.name);
      if (other !== undefined)
        throw new ConfigError(
          `channels.${key}`,
          `channel "${ch.name}" is also produced by channels.${other}`,
        );
      seen.set(ch.name, key);
    }
    return plan;
  });
}

function planOne(key: string, entry: ChannelConfig): ChannelPlan {
  const definition = findDefinition(entry.model);
  if (definition === undefined) {
    throw new ConfigError(
      `channels.${key}.model`,
      `unknown device model "${entry.model}" (see devices/README.md)`,
    );
  }
  const checked = validateOptions(definition, entry.options);
  if (!checked.ok) {
    const issue = checked.issues[0];
    const path = issue?.path ? `.${issue.path}` : "";
    throw new ConfigError(`channels.${key}.options${path}`, `${entry.model}: ${issue?.message ?? "invalid"}`);
  }
  const modelChannels = definition.channelsFor?.(checked.options) ?? definition.channels;
  const names = new Map<string, string>();
  const channels = modelChannels.map((ch) => {
    const name = modelChannels.length === 1 ? key : `${key}_${ch.name}`;
    if (!CHANNEL_RE.test(name)) {
      throw new ConfigError(
        `channels.${key}`,
        `published channel name "${name}" must match ${CHANNEL_RE.source}`,
      );
    }
    names.set(ch.name, name);
    return { ...ch, name };
  });
  return { key, config: entry, definition, options: checked.options, channels, names };
}

/** Creates the drivers; on a failure closes those already made and rethrows. */
export async function openChannels(plans: ChannelPlan[], context: DriverContext): Promise<OpenChannel[]> {
  const open: OpenChannel[] = [];
  try {
    for (const plan of plans)
      open.push({ ...plan, driver: createDriver(plan.definition, plan.options, context) });
  } catch (error) {
    await closeChannels(open, context);
    throw error;
  }
  return open;
}

export async function closeChannels(open: OpenChannel[], context: Pick<DriverContext, "log">): Promise<void> {
  for (const ch of open) {
    try {
      await ch.driver.close();
    } catch (error) {
      // Why not rethrow: closing is best effort at shutdown; the other drivers must still close.
      context.log.warn({ err: error, channel: ch.key }, "driver close failed");
    }
  }
}

/** The actuator channels (published names) with their drivers. */
export function actuatorsOf(open: OpenChannel[]): { channel: ActuatorChannel; open: OpenChannel }[] {
  return open.flatMap((o) =>
    o.channels
      .filter((c): c is ActuatorChannel => c.role === "actuator")
      .map((channel) => ({ channel, open: o })),
  );
}
