/* The production driver context: real clock, serialport 13, GPIO by driver name (auto/sysfs/gpiod) and
 * sysfs under "/". The agent builds one at start-up; tests build their own. */
import type { Logger } from "../shared/log";
import { gpioFactory } from "./gpio/factory";
import { serialportOpener } from "./serial/serialport-opener";
import type { Clock, DriverContext } from "./types";

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SystemContextOptions {
  log: Logger;
  sysfsRoot?: string;
  /** GPIO chip labels to look for instead of the Raspberry Pi ones (other boards). */
  gpioLabels?: readonly string[];
}

export function systemContext({ log, sysfsRoot = "/", gpioLabels }: SystemContextOptions): DriverContext {
  return {
    clock: systemClock,
    log,
    sysfsRoot,
    gpio: gpioFactory({
      root: sysfsRoot,
      clock: systemClock,
      log: log.child({ module: "gpio" }),
      labels: gpioLabels,
    }),
    serial: serialportOpener(),
  };
}
