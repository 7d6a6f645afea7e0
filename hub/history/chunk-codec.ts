/* The chunk codec: the raw readings of one series over one time window, in time order, as bytes.
 *
 * - Times: the first as a zigzag varint, the first delta, then deltas of deltas with runs of
 *   zeros (a fixed cadence) written as one 0 token and the run's length; times that are not
 *   integers within ±2^50 ms (±35,000 years) as float64s instead, so any time is exact.
 * - Numbers that are all decimals with at most 6 digits after the point (and exact when scaled
 *   back) are scaled to integers and written as zigzag varint deltas; other numbers as their
 *   float64 bytes XOR the previous value's (exact for -0, infinities, any float).
 * - Booleans as run lengths; a window mixing kinds (or holding strings) value by value.
 * - Quality as a code per reading, only when some reading has one (any other text spelled out).
 * - The whole body deflated (raw DEFLATE) when that is smaller.
 * References: Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database"
 * (VLDB 2015) §4.1; https://www.rfc-editor.org/rfc/rfc1951. */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { QUALITIES, type Quality, type ReadingValue } from "../../shared/model";
import { ByteReader, ByteWriter } from "./chunk-bytes";
import type { RawPoint } from "./types";

const PLAIN = 0;
const DEFLATED = 1;
const DECIMAL = 0;
const FLOAT = 1;
const BOOLEAN = 2;
const MIXED = 3;
const MAX_SCALE = 6;
const MAX_SCALED = 2 ** 50; // deltas then stay safe integers
const MAX_TIME = 2 ** 50; // deltas of deltas then stay safe integers
const DOD = 0;
const FLOAT_TIMES = 1;
const OTHER_Q = 255;

function writeTimes(w: ByteWriter, points: readonly RawPoint[]): void {
  const first = points[0];
  if (!first) return;
  if (!points.every((p) => Number.isInteger(p.t) && Math.abs(p.t) <= MAX_TIME)) {
    w.byte(FLOAT_TIMES);
    w.bytes(new Uint8Array(new Float64Array(points.map((p) => p.t)).buffer));
    return;
  }
  w.byte(DOD);
  w.zigzag(first.t);
  let prev = first.t;
  let delta = 0;
  let zeros = 0;
  for (let i = 1; i < points.length; i++) {
    const t = (points[i] as RawPoint).t;
    const d = t - prev;
    if (i === 1) w.zigzag(d);
    else if (d === delta) zeros++;
    else {
      if (zeros > 0) {
        w.varint(0);
        w.varint(zeros);
        zeros = 0;
      }
      w.zigzag(d - delta); // never 0 here, so 0 only starts a run
    }
    delta = d;
    prev = t;
  }
  if (zeros > 0) {
    w.varint(0);
    w.varint(zeros);
  }
}

function readTimes(r: ByteReader, n: number): number[] {
  const times = new Array<number>(n);
  if (n === 0) return times;
  if (r.byte() === FLOAT_TIMES) return [...new Float64Array(r.bytes(8 * n).slice().buffer)];
  let t = r.zigzag();
  times[0] = t;
  let delta = 0;
  let i = 1;
  while (i < n) {
    if (i === 1) delta = r.zigzag();
    else {
      const z = r.varint();
      if (z === 0) {
        const run = r.varint();
        for (let k = 0; k < run && i < n; k++, i++) {
          t += delta;
          times[i] = t;
        }
        continue;
      }
      delta += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    }
    t += delta;
    times[i++] = t;
  }
  return times;
}

/** The smallest scale at which every number is an exact decimal, if any. */
export function decimalScale(values: readonly number[]): number | undefined {
  for (let s = 0; s <= MAX_SCALE; s++) {
    const f = 10 ** s;
    let ok = true;
    for (const v of values) {
      const x = Math.round(v * f);
      if (Object.is(v, -0) || !(Math.abs(x) <= MAX_SCALED) || x / f !== v) {
        ok = false;
        break;
      }
    }
    if (ok) return s;
  }
  return undefined;
}

function writeNumbers(w: ByteWriter, values: readonly number[]): void {
  const scale = decimalScale(values);
  if (scale !== undefined) {
    w.byte(DECIMAL);
    w.byte(scale);
    const f = 10 ** scale;
    let prev = 0;
    for (const v of values) {
      const x = Math.round(v * f);
      w.zigzag(x - prev);
      prev = x;
    }
    return;
  }
  w.byte(FLOAT);
  const bits = new Uint8Array(new Float64Array(values).buffer);
  for (let i = bits.length - 1; i >= 8; i--) bits[i] = (bits[i] as number) ^ (bits[i - 8] as number);
  w.bytes(bits);
}

function writeBooleans(w: ByteWriter, values: readonly boolean[]): void {
  w.byte(BOOLEAN);
  w.byte(values[0] ? 1 : 0);
  let run = 0;
  let current = values[0];
  for (const v of values) {
    if (v === current) run++;
    else {
      w.varint(run);
      current = v;
      run = 1;
    }
  }
  w.varint(run);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function writeMixed(w: ByteWriter, values: readonly ReadingValue[]): void {
  w.byte(MIXED);
  for (const v of values) {
    if (typeof v === "number") {
      w.byte(0);
      w.bytes(new Uint8Array(new Float64Array([v]).buffer));
    } else if (typeof v === "boolean") w.byte(v ? 2 : 1);
    else {
      const bytes = encoder.encode(v);
      w.byte(3);
      w.varint(bytes.length);
      w.bytes(bytes);
    }
  }
}

function writeValues(w: ByteWriter, values: readonly ReadingValue[]): void {
  if (values.every((v) => typeof v === "number")) writeNumbers(w, values as number[]);
  else if (values.every((v) => typeof v === "boolean")) writeBooleans(w, values as boolean[]);
  else writeMixed(w, values);
}

function readValues(r: ByteReader, n: number): ReadingValue[] {
  const kind = r.byte();
  const out = new Array<ReadingValue>(n);
  if (kind === DECIMAL) {
    const f = 10 ** r.byte();
    let x = 0;
    for (let i = 0; i < n; i++) {
      x += r.zigzag();
      out[i] = x / f;
    }
  } else if (kind === FLOAT) {
    const bits = r.bytes(8 * n).slice();
    for (let i = 8; i < bits.length; i++) bits[i] = (bits[i] as number) ^ (bits[i - 8] as number);
    const floats = new Float64Array(bits.buffer);
    for (let i = 0; i < n; i++) out[i] = floats[i] as number;
  } else if (kind === BOOLEAN) {
    let v = r.byte() === 1;
    for (let i = 0; i < n; v = !v) for (let run = r.varint(); run > 0 && i < n; run--) out[i++] = v;
  } else if (kind === MIXED) {
    for (let i = 0; i < n; i++) {
      const tag = r.byte();
      if (tag === 0) out[i] = new Float64Array(r.bytes(8).slice().buffer)[0] as number;
      else if (tag === 1 || tag === 2) out[i] = tag === 2;
      else out[i] = decoder.decode(r.bytes(r.varint()));
    }
  } else throw new Error(`history chunk: unknown value kind ${kind}`);
  return out;
}

/** The bytes of a window's points, sorted by time, each time once; deflated when that is smaller,
 * unless `deflate` is false (for bytes that live briefly, ./chunk-head.ts). */
export function encodeChunk(points: readonly RawPoint[], options: { deflate?: boolean } = {}): Uint8Array {
  for (let i = 1; i < points.length; i++)
    if (!((points[i] as RawPoint).t > (points[i - 1] as RawPoint).t))
      throw new Error("history chunk: points must be sorted, each time once");
  const w = new ByteWriter();
  w.varint(points.length);
  writeTimes(w, points);
  writeValues(
    w,
    points.map((p) => p.v),
  );
  const withQ = points.some((p) => p.q !== undefined);
  w.byte(withQ ? 1 : 0);
  if (withQ)
    for (const p of points) {
      const code = p.q === undefined ? 0 : QUALITIES.indexOf(p.q) + 1;
      w.byte(code > 0 || p.q === undefined ? code : OTHER_Q);
      if (code === 0 && p.q !== undefined) {
        const bytes = encoder.encode(p.q);
        w.varint(bytes.length);
        w.bytes(bytes);
      }
    }
  const body = w.finish();
  const packed = options.deflate === false ? body : deflateRawSync(body);
  const out = new Uint8Array(1 + Math.min(body.length, packed.length));
  out[0] = packed.length < body.length ? DEFLATED : PLAIN;
  out.set(packed.length < body.length ? packed : body, 1);
  return out;
}

export function decodeChunk(bytes: Uint8Array): RawPoint[] {
  // A plain Uint8Array view either way: `slice` of a Node Buffer (as SQLite returns blobs) is a
  // view, and the readers copy with `slice` before they view bytes as float64s.
  const body =
    bytes[0] === DEFLATED
      ? new Uint8Array(inflateRawSync(bytes.subarray(1)))
      : new Uint8Array(bytes.buffer, bytes.byteOffset + 1, bytes.length - 1);
  const r = new ByteReader(body);
  const n = r.varint();
  const times = readTimes(r, n);
  const values = readValues(r, n);
  const withQ = r.byte() === 1;
  const out = new Array<RawPoint>(n);
  for (let i = 0; i < n; i++) {
    const p: RawPoint = { t: times[i] as number, v: values[i] as ReadingValue };
    if (withQ) {
      const code = r.byte();
      if (code === OTHER_Q) p.q = decoder.decode(r.bytes(r.varint())) as Quality;
      else if (code > 0) p.q = QUALITIES[code - 1] as Quality;
    }
    out[i] = p;
  }
  return out;
}
