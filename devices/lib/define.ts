/* Typed definition builder: options are parsed by the definition's own schema before `create` sees them. */
import type { z } from "zod";
import type { Acquisition, Bus, Channel, DeviceDefinition, Driver, DriverContext } from "../types";

export interface DefinitionSpec<S extends z.ZodType, D extends Driver> {
  model: string;
  description: string;
  bus: Bus;
  acquisition: Acquisition;
  channels: readonly Channel[];
  options: S;
  example: z.input<S>;
  wiring?: string;
  channelsFor?(options: z.output<S>): readonly Channel[];
  create(options: z.output<S>, context: DriverContext): D;
}

export function defineDevice<S extends z.ZodType, D extends Driver>(
  spec: DefinitionSpec<S, D>,
): DeviceDefinition {
  return {
    ...spec,
    channelsFor: spec.channelsFor && ((options) => spec.channelsFor!(options as z.output<S>)),
    create: (options, context) => spec.create(options as z.output<S>, context),
  };
}
