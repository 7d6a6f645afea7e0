import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter } from "../../../../hub/history/chunk-bytes";
import { decodeChunk, encodeChunk } from "../../../../hub/history/chunk-codec";
import type { RawPoint } from "../../../../hub/history/types";

const T0 = Date.UTC(2026, 10, 1);
const series = (values: RawPoint["v"][], step = 60_000): RawPoint[] =>
  values.map((v, i) => ({ t: T0 + i * step, v }));
const roundTrip = (points: RawPoint[]) => decodeChunk(encodeChunk(points));

describe("chunk codec", () => {
  it("round-trips decimals at a fixed cadence in about a byte a reading", () => {
    const walk = [2000];
    for (let i = 1; i < 1440; i++) walk.push((walk[i - 1] as number) + ((i * 7919) % 21) - 10);
    const points = series(walk.map((x) => x / 100));
    const bytes = encodeChunk(points);
    expect(decodeChunk(bytes)).toEqual(points);
    expect(bytes.length).toBeLessThan(1440);
  });

  it("round-trips negative values, zero, and edge floats exactly", () => {
    const values = [-40.25, 0, -0, 1e-300, -Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, 0.1 + 0.2, Infinity];
    const got = roundTrip(series(values));
    expect(got.map((p, i) => Object.is(p.v, values[i]))).toEqual(values.map(() => true));
    expect(roundTrip(series([-1.5, -2.25, -1000000.5]))).toEqual(series([-1.5, -2.25, -1000000.5]));
  });

  it("keeps -0 apart from 0 in a decimal series", () => {
    const got = roundTrip(series([1.5, -0, 2.5]));
    expect(Object.is(got[1]?.v, -0)).toBe(true);
  });

  it("round-trips booleans, strings, mixed kinds and quality", () => {
    expect(roundTrip(series([true, true, false, true, false, false]))).toEqual(
      series([true, true, false, true, false, false]),
    );
    const mixed: RawPoint[] = [
      { t: T0, v: "auto" },
      { t: T0 + 1, v: 3.25, q: "estimate" },
      { t: T0 + 2, v: false },
      { t: T0 + 3, v: "é😀".repeat(300), q: "error" },
      { t: T0 + 4, v: "" },
    ];
    expect(roundTrip(mixed)).toEqual(mixed);
  });

  it("round-trips huge, irregular and negative times", () => {
    const times = [-(2 ** 50), -1, 0, 1, 2, 3, 1000, 1001, 2 ** 49, 2 ** 50];
    const points = times.map((t, i) => ({ t, v: i }));
    expect(roundTrip(points)).toEqual(points);
    const gaps = [T0, T0 + 60_000, T0 + 120_000, T0 + 7 * 86_400_000, T0 + 7 * 86_400_000 + 60_000];
    expect(roundTrip(gaps.map((t) => ({ t, v: 1 })))).toEqual(gaps.map((t) => ({ t, v: 1 })));
  });

  it("decodes undeflated bytes inside a larger Node Buffer (as SQLite returns a blob)", () => {
    const points: RawPoint[] = [
      { t: 1, v: 0.1 + 0.2 },
      { t: 2, v: true },
      { t: 3, v: Math.PI, q: "estimate" },
      { t: 4, v: "open" },
    ];
    const bytes = encodeChunk(points, { deflate: false });
    expect(bytes[0]).toBe(0); // plain
    for (const offset of [1, 3, 5]) {
      const blob = Buffer.concat([Buffer.alloc(offset), bytes]).subarray(offset);
      expect(decodeChunk(blob)).toEqual(points);
    }
  });

  it("round-trips empty and single-point chunks", () => {
    expect(roundTrip([])).toEqual([]);
    expect(roundTrip([{ t: T0, v: 21.5 }])).toEqual([{ t: T0, v: 21.5 }]);
  });

  it("keeps times beyond ±2^50 ms and fractional times exactly, and refuses unsorted ones", () => {
    const odd = [-(2 ** 53) + 1, 0.5, 2 ** 50 + 1, Number.MAX_SAFE_INTEGER].map((t, i) => ({ t, v: i }));
    expect(roundTrip(odd)).toEqual(odd);
    expect(() =>
      encodeChunk([
        { t: 2, v: 1 },
        { t: 1, v: 1 },
      ]),
    ).toThrow(/sorted/);
    expect(() =>
      encodeChunk([
        { t: 1, v: 1 },
        { t: 1, v: 2 },
      ]),
    ).toThrow(/sorted/);
  });

  it("writes varints for every safe integer", () => {
    const w = new ByteWriter();
    const values = [0, 1, 127, 128, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
    for (const v of values) w.varint(v);
    for (const v of [-1, 1, -(2 ** 51), 2 ** 51]) w.zigzag(v);
    const r = new ByteReader(w.finish());
    expect(values.map(() => r.varint())).toEqual(values);
    expect([r.zigzag(), r.zigzag(), r.zigzag(), r.zigzag()]).toEqual([-1, 1, -(2 ** 51), 2 ** 51]);
    expect(r.done).toBe(true);
    expect(() => r.byte()).toThrow(/truncated/);
  });
});
