/* Device drivers over the GpioDriver seam: an actuator for outputs and a push sensor for inputs. The
 * line is claimed on first use so creating a driver has no side effects before the agent asks. */
import { DeviceError, errorMessage } from "../errors";
import { listeners } from "../serial/listeners";
import type { ActuatorDriver, DriverContext, PushSensorDriver, Samples } from "../types";
import type { GpioDriver, GpioInput, GpioInputOptions, GpioOutput, GpioOutputOptions } from "./types";

/** Claims the line on first use; `close` releases it only if it was claimed. */
function lazyLine<T extends { close(): Promise<void> }>(open: () => Promise<T>) {
  let p: Promise<T> | undefined;
  const get = () => {
    p ??= open().catch((error: unknown) => {
      p = undefined;
      throw error instanceof DeviceError
        ? error
        : new DeviceError("io", errorMessage(error), { cause: error });
    });
    return p;
  };
  const close = async () => {
    const current = p;
    p = undefined;
    if (current) await (await current).close();
  };
  return Object.assign(get, { close });
}

export function gpioOutputDevice(
  channel: string,
  options: GpioOutputOptions,
  gpio: GpioDriver,
  context: DriverContext,
): ActuatorDriver {
  const line = lazyLine<GpioOutput>(() => gpio.openOutput(options));
  return {
    acquisition: "actuator",
    async set(value) {
      if (typeof value !== "boolean") {
        throw new DeviceError("bad-value", `${channel}: expected a boolean, got ${JSON.stringify(value)}`);
      }
      await (await line()).write(value);
      return { value, t: context.clock.now() };
    },
    async read() {
      return { [channel]: { value: await (await line()).read(), t: context.clock.now() } };
    },
    async close() {
      await line.close();
    },
  };
}

export function gpioInputDevice(
  channel: string,
  options: GpioInputOptions,
  gpio: GpioDriver,
  context: DriverContext,
): PushSensorDriver {
  const line = lazyLine<GpioInput>(() => gpio.openInput(options));
  const samples = listeners<[Samples]>();
  const errors = listeners<[Error]>();
  let stopWatch: (() => void) | undefined;
  const start = async () => {
    const input = await line();
    stopWatch ??= input.watch(
      (e) => samples.emit({ [channel]: { value: e.value, t: e.t } }),
      (e) => errors.emit(e),
    );
  };
  return {
    acquisition: "push",
    subscribe(listener, onError) {
      const off = [samples.add(listener), onError ? errors.add(onError) : () => undefined];
      start().catch((e: unknown) => errors.emit(e instanceof Error ? e : new DeviceError("io", String(e))));
      return () => {
        for (const f of off) f();
      };
    },
    async read() {
      return { [channel]: { value: await (await line()).read(), t: context.clock.now() } };
    },
    async close() {
      stopWatch?.();
      stopWatch = undefined;
      samples.clear();
      errors.clear();
      await line.close();
    },
  };
}
