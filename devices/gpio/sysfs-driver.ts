/* GPIO through the sysfs interface with onoff (docs/design.md §4). onoff's epoll cannot be faked with files, so
 * the Gpio constructor is injected. Values are inverted here for active-low (not through onoff), and
 * outputs are created with the "high"/"low" direction strings so claiming a line never drives it low
 * first: `new Gpio(n, "out")` would. */
import type { BinaryValue, Direction, Edge as OnoffEdge, Options as OnoffOptions } from "onoff";
import type { Logger } from "../../shared/log";
import { DeviceError, errorMessage } from "../errors";
import { readAttribute } from "../sysfs/files";
import type { Clock } from "../types";
import { headerChip, sysfsNumber } from "./chip";
import type { GpioDriver, GpioInput, GpioOutput, GpioOutputOptions } from "./types";

/** The part of onoff's Gpio the driver uses. */
export interface OnoffGpio {
  read(): Promise<BinaryValue>;
  write(value: BinaryValue): Promise<void>;
  watch(callback: (err: Error | null | undefined, value: BinaryValue) => void): void;
  unwatchAll(): void;
  unexport(): void;
}
export type OnoffGpioConstructor = new (
  gpio: number,
  direction: Direction,
  edge?: OnoffEdge,
  options?: OnoffOptions,
) => OnoffGpio;

export interface SysfsGpioDeps {
  Gpio: OnoffGpioConstructor;
  root: string;
  clock: Clock;
  log: Logger;
  /** Chip labels to try, in order; defaults to the Raspberry Pi header controllers. */
  labels?: readonly string[];
}

const level = (logical: boolean, activeLow: boolean): BinaryValue => (logical !== activeLow ? 1 : 0);
const logical = (physical: BinaryValue, activeLow: boolean) => (physical === 1) !== activeLow;

/** For "keep": the physical level of a line that is already an exported output, if any. */
async function currentOutputLevel(root: string, n: number): Promise<BinaryValue | undefined> {
  const dir = `sys/class/gpio/gpio${n}`;
  const direction = await readAttribute(root, dir, "direction").catch(() => undefined);
  if (direction !== "out") return undefined;
  const value = await readAttribute(root, dir, "value").catch(() => undefined);
  return value === "1" ? 1 : value === "0" ? 0 : undefined;
}

export async function initialLevel(
  options: GpioOutputOptions,
  current: () => Promise<BinaryValue | undefined>,
): Promise<BinaryValue> {
  if (options.initial !== "keep") return level(options.initial, options.activeLow);
  return (await current()) ?? level(options.safeState, options.activeLow);
}

export function sysfsGpioDriver(deps: SysfsGpioDeps): GpioDriver {
  const number = async (pin: number) => sysfsNumber(await headerChip(deps.root, deps.labels), pin);
  const construct = (n: number, direction: Direction, edge?: OnoffEdge, options?: OnoffOptions) => {
    try {
      return new deps.Gpio(n, direction, edge, options);
    } catch (error) {
      throw new DeviceError("io", `cannot claim GPIO ${n} (sysfs): ${errorMessage(error)}`, { cause: error });
    }
  };
  return {
    name: "sysfs",
    capabilities: { pull: false, debounce: true },
    async openOutput(options): Promise<GpioOutput> {
      const n = await number(options.pin);
      const start = await initialLevel(options, () => currentOutputLevel(deps.root, n));
      const gpio = construct(n, start === 1 ? "high" : "low");
      return {
        read: async () => logical(await gpio.read(), options.activeLow),
        write: (value) => gpio.write(level(value, options.activeLow)),
        // Outputs stay exported: unexporting would let the next start see an input and lose the level.
        close: async () => undefined,
      };
    },
    async openInput(options): Promise<GpioInput> {
      const n = await number(options.pin);
      if (options.pull !== "none") {
        deps.log.warn(
          { pin: options.pin, pull: options.pull },
          "sysfs GPIO cannot set pull; use a dtoverlay or gpiod",
        );
      }
      const gpio = construct(n, "in", options.edge, { debounceTimeout: options.debounceMs });
      return {
        read: async () => logical(await gpio.read(), options.activeLow),
        watch(listener, onError) {
          gpio.watch((err, value) => {
            if (err) onError?.(new DeviceError("io", `GPIO ${options.pin}: ${err.message}`, { cause: err }));
            else listener({ value: logical(value, options.activeLow), t: deps.clock.now() });
          });
          return () => gpio.unwatchAll();
        },
        close: async () => {
          gpio.unwatchAll();
          gpio.unexport();
        },
      };
    },
  };
}
