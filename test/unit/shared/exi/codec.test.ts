import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, decode, Exi4JsonError, encode, type JsonValue } from "../../../../shared/exi/index";
import { fromHex, GOLDEN, toHex } from "./golden";

/** Bytes from a string of bit fields ("1000 0000 ..."; spaces ignored), zero-padded. */
function bits(spec: string): Uint8Array {
  const b = spec.replace(/ /g, "");
  const out = new Uint8Array(Math.ceil(b.length / 8));
  for (let i = 0; i < b.length; i++) if (b[i] === "1") out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof Exi4JsonError) return err.code;
    throw err;
  }
  throw new Error("expected an Exi4JsonError");
}

describe("golden vectors of the reference implementation", () => {
  it("holds the 24 vectors", () => {
    expect(GOLDEN).toHaveLength(24);
  });

  for (const v of GOLDEN) {
    it(`${v.name}: encodes byte for byte`, () => {
      expect(toHex(encode(JSON.parse(v.json) as JsonValue))).toBe(v.exi);
    });
    it(`${v.name}: decodes to the JSON`, () => {
      expect(decode(fromHex(v.exi))).toEqual(JSON.parse(v.json));
    });
  }
});

describe("header", () => {
  const rootNumber = fromHex("8082a000"); // 42

  it("accepts the optional $EXI cookie", () => {
    const withCookie = new Uint8Array([0x24, 0x45, 0x58, 0x49, ...rootNumber]);
    expect(decode(withCookie)).toBe(42);
  });

  it("rejects headers with options (alignment, compression)", () => {
    expect(errorCode(() => decode(fromHex("a082a000")))).toBe("unsupported-header");
  });

  it("rejects preview and later versions", () => {
    expect(errorCode(() => decode(fromHex("9082a000")))).toBe("unsupported-header");
    expect(errorCode(() => decode(fromHex("8182a000")))).toBe("unsupported-header");
  });

  it("rejects bytes that are not EXI", () => {
    expect(errorCode(() => decode(new TextEncoder().encode('{"a":1}')))).toBe("invalid-header");
    expect(errorCode(() => decode(new Uint8Array()))).toBe("truncated");
  });

  it("rejects data after the document", () => {
    expect(errorCode(() => decode(new Uint8Array([...rootNumber, 0])))).toBe("trailing-data");
  });
});

describe("numbers", () => {
  const roundTrip = (n: number) => decode(encode(n));

  it("moves trailing zeros into the exponent: 40 is 4E1", () => {
    // header, root SE(j:number) = 4 in 3 bits, mantissa +4, exponent +1
    expect(encode(40)).toEqual(bits("10000000 100 0 00000100 0 00000001"));
    expect(encode(21.5)).toEqual(bits("10000000 100 0 11010111 00000001 1 00000000"));
  });

  it("writes -0 as 0", () => {
    expect(toHex(encode(-0))).toBe(toHex(encode(0)));
    expect(Object.is(roundTrip(-0), 0)).toBe(true);
  });

  it("round-trips integers beyond 2^31 and 2^53 and extreme doubles", () => {
    for (const n of [
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 53,
      -(2 ** 53),
      2 ** 64,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
    ]) {
      expect(roundTrip(n)).toBe(n);
    }
    for (const n of [
      Number.MIN_VALUE,
      5e-324,
      2.2250738585072014e-308,
      0.1 + 0.2,
      1 / 3,
      123456789012345680000,
    ]) {
      expect(roundTrip(n)).toBe(n);
    }
  });

  it("rejects non-finite numbers with a clear error", () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(errorCode(() => encode({ v: n }))).toBe("non-finite-number");
    }
  });

  it("rejects an INF/NaN float in the stream", () => {
    // root number: mantissa 1, exponent -(2^14) (sign 1, magnitude 16383 = 0xff 0x7f)
    const bytes = bits("10000000 100 0 00000001 1 11111111 01111111");
    expect(errorCode(() => decode(bytes))).toBe("non-finite-number");
  });
});

describe("j:other (decode only)", () => {
  it("reads an xs:integer beyond 2^53", () => {
    // root SE(j:other) = 5, child integer = 1, sign 0, 2^56 as nine octets (beyond the 7-octet fast path)
    const bytes = bits(`10000000 101 001 0 ${"10000000 ".repeat(8)}00000001`);
    expect(decode(bytes)).toBe(2 ** 56);
  });

  it("reads an xs:decimal with reversed fraction digits", () => {
    // child decimal = 2, sign 1, integral 3, fraction digits "14" reversed = 41
    expect(decode(bits("10000000 101 010 1 00000011 00101001"))).toBe(-3.14);
  });

  it("refuses the children that have no JSON number form", () => {
    expect(errorCode(() => decode(bits("10000000 101 000 00000000")))).toBe("invalid-stream");
  });
});

describe("values the encoder refuses", () => {
  it("refuses undefined, functions, bigints and class instances", () => {
    for (const v of [undefined, () => 1, 1n, new Date(0), new Map()]) {
      expect(errorCode(() => encode({ v } as unknown as JsonValue))).toBe("unsupported-value");
    }
  });

  it("refuses cyclic and too-deep structures", () => {
    const cyclic: Record<string, JsonValue> = {};
    cyclic.self = cyclic;
    expect(errorCode(() => encode(cyclic))).toBe("depth-limit");
    expect(errorCode(() => encode([[[1]]], { maxDepth: 2 }))).toBe("depth-limit");
  });
});

describe("decode limits", () => {
  const deep = (n: number): JsonValue => {
    let v: JsonValue = 1;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };

  it("applies the depth limit, defaulting to a safe value", () => {
    const bytes = encode(deep(50));
    expect(decode(bytes)).toEqual(deep(50));
    expect(errorCode(() => decode(bytes, { maxDepth: 49 }))).toBe("depth-limit");
    expect(DEFAULT_LIMITS.maxDepth).toBeLessThan(10_000);
  });

  it("keeps the default for a limit given as undefined and refuses nonsense limits", () => {
    const bytes = encode(deep(300), { maxDepth: 400 });
    expect(errorCode(() => decode(bytes, { maxDepth: undefined }))).toBe("depth-limit");
    expect(() => decode(bytes, { maxDepth: -1 })).toThrow(TypeError);
  });

  it("applies the string length limit", () => {
    const bytes = encode({ s: "x".repeat(100) });
    expect(errorCode(() => decode(bytes, { maxStringLength: 99 }))).toBe("string-limit");
    expect(decode(bytes, { maxStringLength: 100 })).toEqual({ s: "x".repeat(100) });
  });

  it("counts repeated table hits toward the total size", () => {
    const long = "y".repeat(1000);
    const bytes = encode(Array.from({ length: 20 }, () => long));
    expect(bytes.length).toBeLessThan(1100);
    expect(errorCode(() => decode(bytes, { maxTotalSize: 10_000 }))).toBe("size-limit");
    expect(decode(bytes, { maxTotalSize: 30_000 })).toHaveLength(20);
  });
});

describe("objects", () => {
  it("keeps __proto__ as an own key, as JSON.parse does", () => {
    const v = JSON.parse('{"__proto__":{"x":1},"a":2}') as JsonValue;
    const out = decode(encode(v)) as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__", "a"]);
    expect(out).toEqual(v);
  });

  it("reuses a key's learned grammar across the whole stream", () => {
    const one = encode([{ reading: 1 }]).length;
    const many = encode(Array.from({ length: 100 }, () => ({ reading: 1 }))).length;
    // Each repeat costs: array code 3 + map SE 1 + name hit 8+5 + learned SE 1 + float 18 + EE 1+1 bits.
    expect(many - one).toBeLessThan(99 * 5);
  });
});
