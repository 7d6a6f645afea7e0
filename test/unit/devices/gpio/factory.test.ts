import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { gpioFactory } from "../../../../devices/gpio/factory";
import type { OnoffGpioConstructor } from "../../../../devices/gpio/sysfs-driver";
import { silentLogger } from "../../../../shared/log";
import { manualClock } from "../../../helpers/devices/clock";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../fixtures/devices/gpio/${name}`, import.meta.url));
const bin = fileURLToPath(new URL("../../../helpers/devices/gpiod-bin", import.meta.url));

function onoffSpy() {
  const claimed: [number, string][] = [];
  const Gpio = class {
    constructor(n: number, direction: string) {
      claimed.push([n, direction]);
    }
    async read() {
      return 0 as const;
    }
    async write() {}
    watch() {}
    unwatchAll() {}
    unexport() {}
  } as unknown as OnoffGpioConstructor;
  return { claimed, loadOnoff: async () => Gpio };
}

const base = { clock: manualClock(), log: silentLogger() };
const out = { pin: 4, activeLow: false, initial: false as const, safeState: false };

describe("GPIO driver factory", () => {
  it("auto picks sysfs where /sys/class/gpio/export exists", async () => {
    const spy = onoffSpy();
    const gpio = gpioFactory({ ...base, root: fixture("pi5-6.6"), loadOnoff: spy.loadOnoff });
    await gpio("auto").openOutput(out);
    expect(spy.claimed).toEqual([[575, "low"]]);
    expect(gpio("auto")).toBe(gpio("auto"));
  });

  it("auto falls back to the gpiod tools, and explains when neither is there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-gpio-"));
    try {
      const env = {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        GPIOD_STUB_DIR: dir,
        GPIOD_STUB_VERSION: "2",
      };
      const output = await gpioFactory({ ...base, root: dir, env })("auto").openOutput(out);
      await output.close();
      const none = gpioFactory({ ...base, root: dir, env: { PATH: dir } })("auto");
      await expect(none.openOutput(out)).rejects.toMatchObject({
        code: "missing-hardware",
        message: /apt-get install gpiod/,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("auto takes the gpiod tools where sysfs GPIO exists but onoff cannot load", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-gpio-"));
    try {
      const env = {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        GPIOD_STUB_DIR: dir,
        GPIOD_STUB_VERSION: "2",
      };
      const loadOnoff = async (): Promise<OnoffGpioConstructor> => {
        throw new Error("Cannot find module 'epoll'");
      };
      const gpio = gpioFactory({ ...base, root: fixture("pi5-6.6"), env, loadOnoff });
      const output = await gpio("auto").openOutput(out);
      await output.close();
      const sysfsOnly = gpioFactory({ ...base, root: fixture("pi5-6.6"), env, loadOnoff })("sysfs");
      await expect(sysfsOnly.openOutput(out)).rejects.toThrow(/epoll/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects unknown driver names", () => {
    expect(() => gpioFactory({ ...base, root: "/" })("pigpio")).toThrow(/unknown GPIO driver "pigpio"/);
  });
});
