/* Hostile input for `decode`: mutated golden vectors, every truncation, random bytes and
 * hand-built attacks. The guarantees: never hang, never throw anything but Exi4JsonError (and
 * never its "internal-error"), never build output out of proportion to the input.
 * XIOT_FUZZ_ITERATIONS sets the mutation count (default 10^4; `npm run fuzz:exi` uses 10^6). */
import { describe, expect, it } from "vitest";
import { decode, Exi4JsonError, encode, type JsonValue } from "../../../../shared/exi/index";
import { fromHex, GOLDEN } from "./golden";

const ITERATIONS = Number(process.env.XIOT_FUZZ_ITERATIONS ?? 10_000);
const SEED = Number(process.env.XIOT_FUZZ_SEED ?? 0x5eed);
/** Generous per-iteration budget (a decode takes microseconds) so 10^6 fits on a busy machine. */
const FUZZ_TIMEOUT = 30_000 + ITERATIONS * 0.5;
/** Output nodes per input bit: every value costs at least one bit of input. */
const MAX_NODES_PER_BIT = 1;
const SLOW_DECODE_MS = 250;

/** xorshift32: reproducible from the seed printed on failure. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  let b = Array.from(src);
  const n = 1 + Math.floor(rand() * 4);
  for (let m = 0; m < n; m++) {
    const at = Math.floor(rand() * (b.length + 1));
    switch (Math.floor(rand() * 6)) {
      case 0: // flip one bit (the header byte too)
        if (at < b.length) b[at]! ^= 1 << Math.floor(rand() * 8);
        break;
      case 1: // random byte
        if (at < b.length) b[at] = Math.floor(rand() * 256);
        break;
      case 2: // insert bytes, often continuation octets
        b.splice(
          at,
          0,
          ...Array.from({ length: 1 + Math.floor(rand() * 8) }, () => (rand() < 0.5 ? 0xff : 0x80)),
        );
        break;
      case 3: // delete a run
        b.splice(at, 1 + Math.floor(rand() * 4));
        break;
      case 4: // duplicate a slice
        b = [...b.slice(0, at), ...b.slice(Math.floor(at / 2), at), ...b.slice(at)];
        break;
      default: // truncate
        b = b.slice(0, at);
    }
  }
  return new Uint8Array(b);
}

function nodes(v: JsonValue): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + nodes(x), 1);
  if (v !== null && typeof v === "object") return Object.values(v).reduce((n: number, x) => n + nodes(x), 1);
  return 1;
}

/** Decodes and checks the guarantees; returns the error code or "ok". */
function probe(bytes: Uint8Array): string {
  const t0 = performance.now();
  let outcome: string;
  try {
    const v = decode(bytes);
    expect(nodes(v)).toBeLessThanOrEqual(bytes.length * 8 * MAX_NODES_PER_BIT);
    outcome = "ok";
  } catch (err) {
    if (!(err instanceof Exi4JsonError)) throw new Error(`non-typed error for ${hex(bytes)}`, { cause: err });
    if (err.code === "internal-error") throw new Error(`internal error for ${hex(bytes)}`, { cause: err });
    outcome = err.code;
  }
  const ms = performance.now() - t0;
  if (ms > SLOW_DECODE_MS) throw new Error(`decode took ${ms.toFixed(0)} ms for ${hex(bytes)}`);
  return outcome;
}

function hex(b: Uint8Array): string {
  return Array.from(b.slice(0, 64), (x) => x.toString(16).padStart(2, "0")).join("");
}

const vectors = GOLDEN.map((v) => fromHex(v.exi));

describe("decode under hostile input", () => {
  it(
    `survives ${ITERATIONS} mutated golden vectors (seed ${SEED})`,
    () => {
      const rand = rng(SEED);
      const outcomes = new Map<string, number>();
      const t0 = performance.now();
      for (let i = 0; i < ITERATIONS; i++) {
        const src = vectors[Math.floor(rand() * vectors.length)]!;
        const o = probe(mutate(src, rand));
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      }
      const ms = performance.now() - t0;
      console.log(
        `fuzz: ${ITERATIONS} iterations in ${(ms / 1000).toFixed(1)} s, outcomes`,
        Object.fromEntries(outcomes),
      );
      expect(outcomes.get("truncated")).toBeGreaterThan(0);
      expect(outcomes.get("invalid-stream")).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT,
  );

  it("fails every truncation of every golden vector with 'truncated'", () => {
    for (const v of vectors) {
      for (let len = 0; len < v.length; len++) expect(probe(v.slice(0, len))).toBe("truncated");
    }
  });

  it("survives random bytes, with and without a valid header", () => {
    const rand = rng(SEED + 1);
    for (let i = 0; i < 2000; i++) {
      const b = Uint8Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));
      probe(b);
      if (b.length > 0) b[0] = 0x80;
      probe(b);
    }
  });

  it("refuses a declared string length beyond the bytes left, without allocating it", () => {
    // root j:string, literal of length 2^40 − 2 (six continuation octets), then nothing
    const bytes = new Uint8Array([0x80, 0xdf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc0]);
    expect(probe(bytes)).toBe("truncated");
  });

  it("refuses varints of hundreds of continuation octets", () => {
    const bytes = new Uint8Array([0x80, 0xdf, ...new Array(500).fill(0xff), 0]);
    expect(probe(bytes)).toBe("integer-too-large");
    const mantissa = new Uint8Array([0x80, 0x9f, ...new Array(500).fill(0xff), 0]); // root number
    expect(probe(mantissa)).toBe("integer-too-large");
  });

  it("refuses nesting depth 10^4 by default and never overflows the stack when allowed", () => {
    // root SE(j:array) then 10^4 × SE(j:array) (code 1 in 3 bits), no ends
    const bits = `10000000000${"001".repeat(10_000)}`;
    const bytes = new Uint8Array(Math.ceil(bits.length / 8));
    for (let i = 0; i < bits.length; i++) if (bits[i] === "1") bytes[i >> 3]! |= 0x80 >> (i & 7);
    expect(probe(bytes)).toBe("depth-limit");
    let code = "ok";
    try {
      decode(bytes, { maxDepth: 1_000_000 });
    } catch (err) {
      expect(err).toBeInstanceOf(Exi4JsonError);
      code = (err as Exi4JsonError).code;
    }
    expect(["truncated", "depth-limit"]).toContain(code);
  });

  it("decodes 10^5 distinct strings in linear time", () => {
    const doc = Array.from({ length: 100_000 }, (_, i) => `s${i}`);
    const bytes = encode(doc);
    const t0 = performance.now();
    expect(decode(bytes)).toEqual(doc);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
