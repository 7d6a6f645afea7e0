import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createDriver, findDefinition } from "../../../devices/index";
import { dallasCrc8, parseW1Slave, serialise } from "../../../devices/sysfs/w1";
import type { SensorDriver } from "../../../devices/types";
import { manualClock, testContext } from "../../helpers/devices/clock";

const root = fileURLToPath(new URL("../../fixtures/devices/sysfs", import.meta.url));
const clock = manualClock(1_000);
const read = (model: string, options: unknown) =>
  (
    createDriver(findDefinition(model)!, options, testContext({ clock, sysfsRoot: root })) as SensorDriver
  ).read();

describe("thermal zone", () => {
  it("reads millidegrees by zone number or by type", async () => {
    expect(await read("cpu-temperature", {})).toEqual({ temperature: { value: 48.312, t: 1_000 } });
    expect(await read("cpu-temperature", { type: "cpu-thermal", zone: 5 })).toMatchObject({
      temperature: { value: 48.312 },
    });
  });

  it("rejects malformed and missing zones with typed errors", async () => {
    await expect(read("cpu-temperature", { zone: 1 })).rejects.toMatchObject({ code: "bad-data" });
    await expect(read("cpu-temperature", { zone: 9 })).rejects.toMatchObject({
      code: "io",
      message: /not found/,
    });
    await expect(read("cpu-temperature", { type: "gpu" })).rejects.toMatchObject({
      code: "missing-hardware",
      message: /found: thermal_zone0=cpu-thermal, thermal_zone1=broken-zone/,
    });
  });
});

describe("hwmon", () => {
  it("finds the chip by name and scales each input kind", async () => {
    expect(await read("hwmon", { name: "sht3x", input: "temp1" })).toMatchObject({
      temperature: { value: 21.5 },
    });
    expect(await read("hwmon", { name: "sht3x", input: "humidity1", channel: "rh" })).toMatchObject({
      rh: { value: 45.21 },
    });
    expect(await read("hwmon", { name: "rpi_volt", input: "in0" })).toMatchObject({ voltage: { value: 0 } });
  });

  it("reports malformed values and validates the input name", async () => {
    await expect(read("hwmon", { name: "sht3x", input: "fan1" })).rejects.toMatchObject({ code: "bad-data" });
    expect(() => read("hwmon", { name: "sht3x", input: "bogus1" })).toThrow(/input/);
  });
});

describe("DS18B20", () => {
  const ds = (id: string) => read("ds18b20", { id });

  it("reads a good scratchpad", async () => {
    expect(await ds("28-0316a27959ff")).toEqual({ temperature: { value: 23.125, t: 1_000 } });
    expect(await ds("28-000000000007")).toEqual({ temperature: { value: -10.125, t: 1_000 } });
  });

  it("marks the 85 °C power-on value invalid", async () => {
    expect(await ds("28-000000000003")).toEqual({ temperature: { value: 85, quality: "invalid", t: 1_000 } });
  });

  it("rejects CRC failures, CRC mismatches, all-zero scratchpads and malformed files", async () => {
    await expect(ds("28-000000000002")).rejects.toMatchObject({
      code: "bad-data",
      message: /kernel reported NO/,
    });
    await expect(ds("28-000000000005")).rejects.toMatchObject({
      code: "bad-data",
      message: /CRC-8 mismatch/,
    });
    await expect(ds("28-000000000006")).rejects.toMatchObject({ code: "bad-data", message: /all-zero/ });
    await expect(ds("28-000000000004")).rejects.toMatchObject({ code: "bad-data", message: /malformed/ });
    await expect(ds("28-00000000000f")).rejects.toMatchObject({ code: "io" });
  });

  it("without an id, needs exactly one sensor and lists those found", async () => {
    await expect(read("ds18b20", {})).rejects.toMatchObject({
      code: "missing-hardware",
      message: /28-000000000002/,
    });
  });

  it("computes the Maxim CRC-8 and parses a well-known line", () => {
    expect(dallasCrc8([0x72, 0x01, 0x4b, 0x46, 0x7f, 0xff, 0x0e, 0x10])).toBe(0x57);
    expect(parseW1Slave("garbage", 5)).toMatchObject({ ok: false });
  });

  it("serialises reads on one bus: the next starts only after the previous settles", async () => {
    const log: string[] = [];
    let release!: () => void;
    const first = serialise("bus-a", async () => {
      log.push("first start");
      await new Promise<void>((r) => {
        release = r;
      });
      log.push("first end");
      throw new Error("first failed");
    });
    const second = serialise("bus-a", async () => {
      log.push("second start");
      return 2;
    });
    await Promise.resolve();
    expect(log).toEqual(["first start"]);
    release();
    await expect(first).rejects.toThrow("first failed");
    expect(await second).toBe(2);
    expect(log).toEqual(["first start", "first end", "second start"]);
  });
});

describe("IIO", () => {
  it("reads *_input in ABI units and converts them", async () => {
    const options = {
      device: "bme280",
      channels: [
        { attribute: "in_temp" },
        { attribute: "in_humidityrelative" },
        { attribute: "in_pressure" },
      ],
    };
    expect(await read("iio", options)).toEqual({
      temperature: { value: 21.51, t: 1_000 },
      humidity: { value: 45.123, t: 1_000 },
      pressure: { value: 1013.25, t: 1_000 },
    });
  });

  it("applies _raw with _offset and _scale, including shared scale files", async () => {
    expect(await read("iio", { device: "tmp117", channels: [{ attribute: "in_temp" }] })).toMatchObject({
      temperature: { value: (3000 - 200) * 7.8125 * 1e-3 },
    });
    expect(
      await read("iio", { device: "iio:device1", channels: [{ attribute: "in_voltage0" }] }),
    ).toMatchObject({
      voltage: { value: 3 },
    });
  });

  it("rejects malformed raw values and refuses duplicate channel names", async () => {
    await expect(
      read("iio", { device: "ads1015", channels: [{ attribute: "in_voltage1" }] }),
    ).rejects.toMatchObject({
      code: "bad-data",
    });
    expect(() =>
      read("iio", {
        device: "ads1015",
        channels: [{ attribute: "in_voltage0" }, { attribute: "in_voltage1" }],
      }),
    ).toThrow(/channels/);
  });
});
