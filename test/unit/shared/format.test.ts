import { describe, expect, it } from "vitest";
import { decimalsOf, formatNumber, formatValue } from "../../../shared/format";

describe("formatValue: one way to write a value", () => {
  it("writes booleans as on/off and strings as they are", () => {
    expect(formatValue(true)).toBe("on");
    expect(formatValue(false, "°C")).toBe("off");
    expect(formatValue("warm")).toBe("warm");
  });

  it("rounds numbers for reading, drops trailing zeros and puts the unit after a space", () => {
    expect(formatValue(21.5, "°C")).toBe("21.5 °C");
    expect(formatValue(21.123456789, "°C")).toBe("21.12 °C");
    expect(formatValue(45.0, "%")).toBe("45 %");
    expect(formatValue(1013.25, "hPa")).toBe("1013.3 hPa");
    expect(formatValue(123456.7)).toBe("123457");
    expect(formatValue(3)).toBe("3");
    expect(formatValue(0.00123456, "A")).toBe("0.00123 A");
    expect(formatValue(0)).toBe("0");
  });

  it("never writes -0, even after rounding", () => {
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(-0.001, 0.1)).toBe("0.0");
    expect(formatNumber(-0.004)).toBe("-0.004");
    expect(formatNumber(-0.0001, 1)).toBe("0");
    expect(formatNumber(-2.5)).toBe("-2.5");
  });

  it("with a resolution, shows exactly the digits of the step", () => {
    expect(formatValue(21, "°C", 0.1)).toBe("21.0 °C");
    expect(formatValue(21.06, "°C", 0.1)).toBe("21.1 °C");
    expect(formatValue(21.26, "°C", 0.5)).toBe("21.5 °C");
    expect(formatValue(7.3, "", 1)).toBe("7");
    expect(formatValue(0.123, "V", 0.01)).toBe("0.12 V");
    expect(formatValue(1234, "ppm", 10)).toBe("1230 ppm");
  });

  it("ignores a resolution that is not a positive step, and writes non-finite numbers as such", () => {
    expect(formatNumber(21.126, 0)).toBe("21.13");
    expect(formatNumber(21.126, -1)).toBe("21.13");
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatNumber(1e21)).toBe("1e+21");
  });

  it("counts a step's digits", () => {
    expect(decimalsOf(0.1)).toBe(1);
    expect(decimalsOf(0.05)).toBe(2);
    expect(decimalsOf(1e-7)).toBe(7);
    expect(decimalsOf(5)).toBe(0);
    expect(decimalsOf(Number.NaN)).toBe(0);
  });
});
