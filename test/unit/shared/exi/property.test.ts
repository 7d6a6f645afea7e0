import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode, encode, type JsonValue } from "../../../../shared/exi/index";

/** Keys that stress escaping: reserved names, "_", leading digits, astral and any code point. */
const key = fc.oneof(
  fc.constantFrom("map", "array", "string", "number", "boolean", "null", "other", "integer", "mapType"),
  fc.constantFrom("_", "_.map", "_95.", "__proto__", "1st", "-x", ".x", "a b", "ns:k", "", "😀", "ſ", "㐀"),
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.string({ unit: "grapheme-ascii", maxLength: 8 }),
);

const number = fc.oneof(
  fc.integer({ min: -(2 ** 31) - 10, max: 2 ** 31 + 10 }),
  fc.maxSafeInteger(),
  fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 63, -0, 0, 40, 1e21, 5e-324, Number.MAX_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const string = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom("", "ok", "auto", "Küche 🌡"),
);

const { value } = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    string,
    fc.array(tie("value"), { maxLength: 6 }),
    fc.dictionary(key, tie("value"), { maxKeys: 6 }),
  ),
}));

/** What JSON would give back: -0 becomes 0 (EXI4JSON has no negative zero). */
function expected(v: JsonValue): JsonValue {
  if (typeof v === "number") return Object.is(v, -0) ? 0 : v;
  if (Array.isArray(v)) return v.map(expected);
  if (v !== null && typeof v === "object") {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(v)) {
      Object.defineProperty(out, k, {
        value: expected(v[k]!),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

describe("decode(encode(x))", () => {
  it("gives back arbitrary JSON with full-Unicode keys", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(decode(encode(v))).toEqual(expected(v));
      }),
      { numRuns: 400 },
    );
  });

  it("gives back numbers bit-exactly (-0 as 0)", () => {
    fc.assert(
      fc.property(number, (n) => {
        const out = decode(encode([n]));
        expect(Object.is((out as number[])[0], Object.is(n, -0) ? 0 : n)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("is deterministic: re-encoding the decoded value gives the same bytes", () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encode(v);
        expect(encode(decode(bytes))).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });
});
