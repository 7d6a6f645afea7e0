/* Chooses and builds GPIO drivers by name: "sysfs" (onoff), "gpiod" (command-line tools) or "auto"
 * (sysfs when /sys/class/gpio/export exists and onoff loads — a release for another architecture
 * has no native epoll for it — else gpiod when its tools run). The agent passes the
 * result as `context.gpio`; tests pass their own (the fake lives in test/helpers). */
import { execFile } from "node:child_process";
import type { Logger } from "../../shared/log";
import { DeviceError } from "../errors";
import { exists } from "../sysfs/files";
import type { Clock } from "../types";
import { gpiodDriver } from "./gpiod-driver";
import { type OnoffGpioConstructor, sysfsGpioDriver } from "./sysfs-driver";
import type { GpioDriver } from "./types";

export interface GpioFactoryDeps {
  root: string;
  clock: Clock;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  labels?: readonly string[];
  /** Loads onoff's Gpio; injected in tests, a dynamic import on boards (onoff needs its native epoll). */
  loadOnoff?: () => Promise<OnoffGpioConstructor>;
}

/** A driver whose real implementation is chosen on first use. */
function deferred(name: string, choose: () => Promise<GpioDriver>): GpioDriver {
  let chosen: Promise<GpioDriver> | undefined;
  const get = () => {
    chosen ??= choose();
    return chosen;
  };
  return {
    name,
    capabilities: { pull: true, debounce: true },
    openInput: async (o) => (await get()).openInput(o),
    openOutput: async (o) => (await get()).openOutput(o),
  };
}

const toolRuns = (env: NodeJS.ProcessEnv | undefined) =>
  new Promise<boolean>((resolve) =>
    execFile("gpioset", ["--version"], { env, timeout: 5000 }, (e) => resolve(!e)),
  );

const defaultLoadOnoff = async () => (await import("onoff")).Gpio as unknown as OnoffGpioConstructor;

export function gpioFactory(deps: GpioFactoryDeps): (name: string) => GpioDriver {
  const sysfs = () =>
    deferred("sysfs", async () =>
      sysfsGpioDriver({ ...deps, Gpio: await (deps.loadOnoff ?? defaultLoadOnoff)() }),
    );
  const gpiod = () => gpiodDriver(deps);
  const cache = new Map<string, GpioDriver>();
  const make = (name: string): GpioDriver => {
    if (name === "sysfs") return sysfs();
    if (name === "gpiod") return gpiod();
    if (name !== "auto")
      throw new DeviceError("bad-options", `unknown GPIO driver "${name}" (auto, sysfs, gpiod)`);
    return deferred("auto", async () => {
      if (await exists(deps.root, "sys/class/gpio/export")) {
        try {
          return sysfsGpioDriver({ ...deps, Gpio: await (deps.loadOnoff ?? defaultLoadOnoff)() });
        } catch (error) {
          deps.log.warn(
            { err: error },
            "sysfs GPIO is there but onoff does not load here; trying the gpiod tools",
          );
        }
      }
      if (await toolRuns(deps.env)) return gpiod();
      throw new DeviceError(
        "missing-hardware",
        "no GPIO access: /sys/class/gpio/export is missing and gpioset does not run (apt-get install gpiod)",
      );
    });
  };
  return (name) => {
    let driver = cache.get(name);
    if (!driver) {
      driver = make(name);
      cache.set(name, driver);
    }
    return driver;
  };
}
