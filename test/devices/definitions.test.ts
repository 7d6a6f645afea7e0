/* Invariants across every device definition (docs/design.md §7, convention 7). */
import { describe, expect, it } from "vitest";
import { DeviceError } from "../../devices/errors";
import { createDriver, definitions, findDefinition, validateOptions } from "../../devices/index";
import { manualClock, testContext } from "../helpers/devices/clock";
import { fakeBoard, fakeGpioDriver } from "../helpers/devices/fake-gpio";

const CHANNEL_NAME = /^[a-z][a-z0-9_]{0,31}$/;

describe("device definitions", () => {
  it("has unique models", () => {
    const models = definitions.map((d) => d.model);
    expect(new Set(models).size).toBe(models.length);
    expect(models).toEqual(expect.arrayContaining(["sim-temperature", "sim-humidity", "sim-relay"]));
  });

  it.each(definitions.map((d) => [d.model, d] as const))("%s: channels are well formed", (_model, d) => {
    expect(d.description.length).toBeGreaterThan(0);
    expect(d.channels.length).toBeGreaterThan(0);
    const names = d.channels.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const channel of d.channels) {
      expect(channel.name).toMatch(CHANNEL_NAME);
      if (channel.role === "sensor") {
        expect(channel.unit.length, `${channel.name} unit`).toBeGreaterThan(0);
        if (channel.range) expect(channel.range.min).toBeLessThan(channel.range.max);
      } else {
        expect(["boolean", "number"]).toContain(channel.valueType);
        expect(typeof channel.safeState).toBe(channel.valueType);
      }
    }
    const actuators = d.channels.filter((c) => c.role === "actuator");
    expect(actuators.length).toBe(d.acquisition === "actuator" ? 1 : 0);
  });

  it.each(definitions.map((d) => [d.model, d] as const))(
    "%s: the schema validates its own example",
    (_m, d) => {
      const result = validateOptions(d, d.example);
      expect(result).toMatchObject({ ok: true });
    },
  );

  it.each(definitions.map((d) => [d.model, d] as const))(
    "%s: creates a driver of its acquisition kind",
    async (_m, d) => {
      const clock = manualClock();
      const context = testContext({
        clock,
        gpio: () => fakeGpioDriver(fakeBoard(), clock),
        serial: {
          open: () => Promise.reject(new DeviceError("io", "no port in this test")),
          list: async () => ({ ok: true, ports: [] }),
        },
      });
      const driver = createDriver(d, d.example, context);
      expect(driver.acquisition).toBe(d.acquisition);
      expect(typeof driver.read).toBe("function");
      if (driver.acquisition === "push") expect(typeof driver.subscribe).toBe("function");
      if (driver.acquisition === "actuator") expect(typeof driver.set).toBe("function");
      await driver.close();
    },
  );

  it("finds definitions by model and rejects bad options with the key path", () => {
    const sim = findDefinition("sim-temperature")!;
    expect(sim.model).toBe("sim-temperature");
    expect(findDefinition("no-such-model")).toBeUndefined();
    const bad = validateOptions(sim, { waveform: { type: "sine", mean: 1, amplitude: 1, periodMs: -5 } });
    expect(bad).toMatchObject({ ok: false, issues: [{ path: "waveform.periodMs" }] });
    expect(() => createDriver(sim, { noise: { stddev: "x" } }, testContext())).toThrow(/noise\.stddev/);
  });
});
