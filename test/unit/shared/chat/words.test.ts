import { describe, expect, it } from "vitest";
import {
  BOOLEAN_WORDS,
  booleanWord,
  parseBoolean,
  parseNumber,
  parseValue,
} from "../../../../shared/chat/words";

describe("the chat vocabulary", () => {
  it("has one set of boolean words, in any case", () => {
    expect(Object.keys(BOOLEAN_WORDS).sort()).toEqual(["0", "1", "false", "no", "off", "on", "true", "yes"]);
    expect(["on", "ON", " True ", "yes", "1"].map(parseBoolean)).toEqual([true, true, true, true, true]);
    expect(["off", "Off", "FALSE", "no", "0"].map(parseBoolean)).toEqual([false, false, false, false, false]);
    expect(["maybe", "", "2", "constructor", "__proto__"].map(parseBoolean)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect([booleanWord(true), booleanWord(false)]).toEqual(["on", "off"]);
  });

  it("reads decimal numbers only, and only finite ones", () => {
    expect(["21", "-2.5", "+.5", "5.", "1e3", "-3E-2"].map(parseNumber)).toEqual([
      21, -2.5, 0.5, 5, 1000, -0.03,
    ]);
    expect(["0x10", "Infinity", "1e999", "", "1_000", "12 apples", "NaN"].map(parseNumber)).toEqual(
      Array(7).fill(undefined),
    );
  });

  it("types an untyped value as a number first, then a boolean word, then text", () => {
    expect(parseValue("true")).toBe(true);
    expect(parseValue("no")).toBe(false);
    expect(parseValue("1")).toBe(1);
    expect(parseValue("-3e2")).toBe(-300);
    expect(parseValue(" auto ")).toBe("auto");
    expect(parseValue("hello world")).toBe("hello world");
  });
});
