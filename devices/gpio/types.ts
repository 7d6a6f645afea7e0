/* The GPIO seam: drivers (sysfs via onoff, gpiod tools, test fakes) behind one interface. Pins are BCM
 * numbers; values are logical (active-low already applied). */
import type { Unsubscribe } from "../../shared/clock";

export type Pull = "up" | "down" | "none";
export type Edge = "rising" | "falling" | "both";

export interface GpioInputOptions {
  /** BCM pin number (the number on Raspberry Pi pinout diagrams, not the header position). */
  pin: number;
  edge: Edge;
  /** Ignore further edges for this long after one is reported. 0 disables. */
  debounceMs: number;
  /** Bias; only drivers with `capabilities.pull` apply it (sysfs cannot: use dtoverlay or raspi-gpio). */
  pull: Pull;
  activeLow: boolean;
}

export interface GpioOutputOptions {
  pin: number;
  activeLow: boolean;
  /** Logical state to hold from the moment the line is claimed; "keep" keeps a line that is already an output. */
  initial: boolean | "keep";
  /** Used for "keep" when the current state cannot be read. */
  safeState: boolean;
}

export interface GpioEdgeEvent {
  value: boolean;
  t: number;
}

export interface GpioInput {
  read(): Promise<boolean>;
  watch(listener: (event: GpioEdgeEvent) => void, onError?: (error: Error) => void): Unsubscribe;
  close(): Promise<void>;
}

export interface GpioOutput {
  read(): Promise<boolean>;
  write(value: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface GpioDriver {
  readonly name: string;
  readonly capabilities: { pull: boolean; debounce: boolean };
  openInput(options: GpioInputOptions): Promise<GpioInput>;
  openOutput(options: GpioOutputOptions): Promise<GpioOutput>;
}
