/* The device catalogue: every definition, lookup by model, and driver creation with validated options. */
import { DeviceError } from "./errors";
import { definitions as gpio } from "./gpio";
import { parseOptions } from "./lib/options";
import { definitions as serial } from "./serial";
import { definitions as simulated } from "./simulated";
import { definitions as sysfs } from "./sysfs";
import type { DeviceDefinition, Driver, DriverContext } from "./types";

export const definitions: readonly DeviceDefinition[] = [...simulated, ...sysfs, ...gpio, ...serial];

const byModel = new Map(definitions.map((d) => [d.model, d]));

export function findDefinition(model: string): DeviceDefinition | undefined {
  return byModel.get(model);
}

/** Validates `options` with the definition's schema (throws DeviceOptionsError naming key paths), then creates. */
export function createDriver(definition: DeviceDefinition, options: unknown, context: DriverContext): Driver {
  return definition.create(parseOptions(definition, options), context);
}

export function createDriverFor(model: string, options: unknown, context: DriverContext): Driver {
  const definition = findDefinition(model);
  if (!definition) throw new DeviceError("unknown-model", `unknown device model "${model}"`);
  return createDriver(definition, options, context);
}

export { systemClock, systemContext } from "./context";
export { DeviceError, DeviceOptionsError } from "./errors";
export { validateOptions } from "./lib/options";
export type * from "./types";
