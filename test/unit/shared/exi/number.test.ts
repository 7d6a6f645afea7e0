import { describe, expect, it } from "vitest";
import { Exi4JsonError } from "../../../../shared/exi/errors";
import { decimalValue, fromExiFloat, integerValue, toExiFloat } from "../../../../shared/exi/number";

describe("toExiFloat", () => {
  it("gives the shortest digits with trailing zeros in the exponent", () => {
    expect(toExiFloat(40)).toEqual({ negative: false, mantissa: 4, exponent: 1 });
    expect(toExiFloat(21.5)).toEqual({ negative: false, mantissa: 215, exponent: -1 });
    expect(toExiFloat(-3.25)).toEqual({ negative: true, mantissa: 325, exponent: -2 });
    expect(toExiFloat(1.5e-7)).toEqual({ negative: false, mantissa: 15, exponent: -8 });
    expect(toExiFloat(1e21)).toEqual({ negative: false, mantissa: 1, exponent: 21 });
    expect(toExiFloat(0.1)).toEqual({ negative: false, mantissa: 1, exponent: -1 });
  });

  it("maps -0 to 0 and keeps 17-digit mantissas exact as bigints", () => {
    expect(toExiFloat(-0)).toEqual({ negative: false, mantissa: 0, exponent: 0 });
    expect(toExiFloat(Number.MAX_VALUE)).toEqual({
      negative: false,
      mantissa: 17976931348623157n,
      exponent: 292,
    });
    expect(toExiFloat(2 ** 53 - 1).mantissa).toBe(9007199254740991);
  });

  it("refuses NaN and infinities", () => {
    expect(() => toExiFloat(Number.NaN)).toThrow(Exi4JsonError);
    expect(() => toExiFloat(Number.NEGATIVE_INFINITY)).toThrow(/non-finite/);
  });
});

describe("fromExiFloat", () => {
  it("rounds correctly on both paths", () => {
    expect(fromExiFloat(215, -1)).toBe(21.5);
    expect(fromExiFloat(1, -400)).toBe(0);
    expect(fromExiFloat(5, -324)).toBe(5e-324);
    expect(fromExiFloat(17976931348623157n, 292)).toBe(Number.MAX_VALUE);
    expect(fromExiFloat(-1, 23)).toBe(-1e23);
  });

  it("refuses values beyond a double and out-of-range exponents", () => {
    expect(() => fromExiFloat(1, 400)).toThrow(/non-finite/);
    expect(() => fromExiFloat(1, 16384)).toThrow(/invalid-value/);
    expect(() => fromExiFloat(1, -16384)).toThrow(/non-finite/);
  });
});

describe("integer and decimal values of j:other", () => {
  it("reads sign and magnitude", () => {
    expect(integerValue(false, 42)).toBe(42);
    expect(integerValue(true, 0)).toBe(-1);
    expect(integerValue(true, 2n ** 63n)).toBe(-(2 ** 63) - 1);
  });

  it("reverses the fractional digits of a decimal", () => {
    expect(decimalValue(false, 3, 41)).toBe(3.14);
    expect(decimalValue(true, 0, 5)).toBe(-0.5);
  });
});
