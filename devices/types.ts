/* References: docs/design.md §2 (channel names, reading values and quality), docs/design.md §7 (conventions 7 and 8)
 * (declarative definitions built from factories; hardware injected through the driver context). */
import type { z } from "zod";
import type { TimerClock, Unsubscribe } from "../shared/clock";
import type { Logger } from "../shared/log";
import type { GpioDriver } from "./gpio/types";
import type { SerialOpener } from "./serial/types";

/** docs/design.md §2: omitted when the value is good. */
export type Quality = "invalid" | "estimate" | "stale" | "error";
export const QUALITIES: readonly Quality[] = ["invalid", "estimate", "stale", "error"];

export type Value = number | boolean | string;

/** One channel's value as a driver reports it; `t` is ms since epoch from the injected clock. */
export interface Sample<V extends Value = Value> {
  value: V;
  quality?: Quality;
  t?: number;
}

/** Channel name → sample, for the channels a read or a frame produced. */
export type Samples = Record<string, Sample>;

export interface Range {
  min: number;
  max: number;
}

export interface SensorChannel {
  role: "sensor";
  /** docs/design.md §2 channel name: `[a-z][a-z0-9_]{0,31}`. */
  name: string;
  /** What is measured: "temperature", "humidity", "pm2_5", "latitude"… */
  kind: string;
  /** Unit symbol, "" only for dimensionless counts and states (see `dimensionless`). */
  unit: string;
  /** Value type of readings; numbers unless stated. */
  valueType: "number" | "boolean" | "string";
  range?: Range;
  description?: string;
}

export interface ActuatorChannel {
  role: "actuator";
  name: string;
  kind: string;
  valueType: "boolean" | "number";
  /** The state the agent puts the actuator in on start-up failure, shutdown and command expiry. */
  safeState: boolean | number;
  unit?: string;
  range?: Range;
  description?: string;
}

export type Channel = SensorChannel | ActuatorChannel;

export type Bus = "none" | "sysfs" | "w1" | "iio" | "gpio" | "serial";

/** How the agent gets values: it polls `read()`, or it subscribes to pushed frames/edges. */
export type Acquisition = "poll" | "push" | "actuator";

export type { Unsubscribe };

export interface DriverEvents {
  samples: (samples: Samples) => void;
  /** Non-fatal trouble: a bad frame, a disconnect, a reopen attempt. The driver keeps going. */
  error: (error: Error) => void;
}

/** Polled sensor: sysfs, simulated, 1-Wire. */
export interface SensorDriver {
  acquisition: "poll";
  read(): Promise<Samples>;
  close(): Promise<void>;
}

/** Edge or serial-push sensor: values arrive when the hardware sends them. */
export interface PushSensorDriver {
  acquisition: "push";
  subscribe(listener: DriverEvents["samples"], onError?: DriverEvents["error"]): Unsubscribe;
  /** Latest samples (quality `stale` once older than the definition allows); rejects before the first. */
  read(): Promise<Samples>;
  /** Counters for diagnostics (bad frames skipped, reopens after unplugging…). */
  stats?(): DriverStats;
  close(): Promise<void>;
}

export interface DriverStats {
  frames: number;
  badFrames: number;
  skippedBytes: number;
  reopens: number;
}

/** One actuator channel. `set` resolves with the state actually applied. */
export interface ActuatorDriver {
  acquisition: "actuator";
  set(value: Value): Promise<Sample>;
  read(): Promise<Samples>;
  close(): Promise<void>;
}

export type Driver = SensorDriver | PushSensorDriver | ActuatorDriver;

/** Drivers take time and timers from the context (shared/clock.ts). */
export type Clock = TimerClock;

/** Everything a driver touches outside itself. The agent builds one; tests build fakes. */
export interface DriverContext {
  clock: Clock;
  log: Logger;
  /** Prefix for /sys paths; "/" on a board, a fixture tree in tests. */
  sysfsRoot: string;
  /** Returns the GPIO driver for a name from options ("auto", "sysfs", "gpiod", or any the agent adds). */
  gpio?: (name: string) => GpioDriver;
  serial?: SerialOpener;
}

/** A definition after its option types are erased; build one with `defineDevice()`. */
export interface DeviceDefinition {
  model: string;
  description: string;
  bus: Bus;
  acquisition: Acquisition;
  channels: readonly Channel[];
  options: z.ZodType;
  /** Channels for given (parsed) options, where the user names them (e.g. the line protocol). */
  channelsFor?(options: unknown): readonly Channel[];
  /** A valid options object; the invariant test parses it with `options`. */
  example: unknown;
  /** Wiring notes for the README and `xiot devices`. */
  wiring?: string;
  create(options: unknown, context: DriverContext): Driver;
}
