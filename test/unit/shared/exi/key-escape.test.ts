import { describe, expect, it } from "vitest";
import { Exi4JsonError } from "../../../../shared/exi/errors";
import { escapeKey, unescapeKey } from "../../../../shared/exi/key-escape";
import { isNameChar, isNameStartChar } from "../../../../shared/exi/xml-name-chars";

describe("escapeKey", () => {
  it("prefixes the seven global element names with _.", () => {
    for (const k of ["map", "array", "string", "number", "boolean", "null", "other"]) {
      expect(escapeKey(k)).toBe(`_.${k}`);
    }
    expect(escapeKey("integer")).toBe("integer"); // a local element of j:other, not reserved
    expect(escapeKey("Map")).toBe("Map");
  });

  it("escapes _ itself and characters that are not XML name characters", () => {
    expect(escapeKey("_id")).toBe("_95.id");
    expect(escapeKey("a b")).toBe("a_32.b");
    expect(escapeKey("ns:key")).toBe("ns_58.key");
    expect(escapeKey("")).toBe("");
  });

  it("escapes a first character that may not start a name", () => {
    expect(escapeKey("1st")).toBe("_49.st");
    expect(escapeKey("a1")).toBe("a1");
    expect(escapeKey("-x")).toBe("_45.x");
    expect(escapeKey("x-y.z")).toBe("x-y.z");
  });

  it("follows the XML 1.0 4th edition tables, not the 5th", () => {
    expect(escapeKey("ſ")).toBe("_383."); // U+017F: a letter in the 5th edition only
    expect(escapeKey("㐀")).toBe("_13312."); // CJK extension A
    expect(escapeKey("湿度")).toBe("湿度");
    expect(escapeKey("é")).toBe("é");
    expect(escapeKey("😀")).toBe("_128512."); // one astral code point, not two surrogates
  });

  it("escapes a lone surrogate by its code unit", () => {
    expect(escapeKey("a\ud800")).toBe("a_55296.");
  });
});

describe("unescapeKey", () => {
  it("inverts escapeKey", () => {
    for (const k of ["map", "_id", "a b", "1st", "😀x", "__proto__", "_.map", "_95.", "a\ud800", "x_"]) {
      expect(unescapeKey(escapeKey(k))).toBe(k);
    }
  });

  it("rejects malformed escapes with a typed error", () => {
    for (const bad of ["a_", "_x.", "_12", "_99999999.", "_1114112."]) {
      expect(() => unescapeKey(bad)).toThrow(Exi4JsonError);
    }
  });
});

describe("XML name character tables", () => {
  it("classify ASCII and a few table edges", () => {
    expect(isNameStartChar(0x41)).toBe(true);
    expect(isNameStartChar(0x30)).toBe(false);
    expect(isNameChar(0x30)).toBe(true);
    expect(isNameChar(0x3a)).toBe(false); // ':' is not an NCName character
    expect(isNameStartChar(0x4e00)).toBe(true);
    expect(isNameStartChar(0x9fa6)).toBe(false);
    expect(isNameChar(0x0300)).toBe(true); // combining
    expect(isNameStartChar(0x0300)).toBe(false);
    expect(isNameChar(0x00b7)).toBe(true); // extender
    expect(isNameStartChar(0xd7a3)).toBe(true);
    expect(isNameStartChar(0xd7a4)).toBe(false);
  });
});
