/* A sealed window's 1-hour buckets, stored beside its chunk (`history_chunk.hours`), so that a
 * 1-hour query or a range aggregate reads a few bytes per hour instead of decoding every reading.
 * Only for windows of decimal numbers (the chunk codec's scaled integers, ./chunk-codec.ts),
 * where every figure is an exact integer at the window's scale; any other window has none and is
 * bucketed from its readings.
 *
 * Bytes: the scale; the number of hours; per hour its index after the previous one, the count,
 * the minimum as a zigzag delta from the previous hour's last value, then first, maximum and last
 * above the minimum, and the sum above count × minimum (all at the scale, so the mean is exact up
 * to one division). About 11 bytes an hour for a sensor read once a minute.
 * References: docs/design.md §6 ("The hub owns telemetry"). */

import { bucketStart } from "./buckets";
import { ByteReader, ByteWriter } from "./chunk-bytes";
import { decimalScale } from "./chunk-codec";
import { type Bucket, HOUR, type RawPoint } from "./types";

interface Hour {
  index: number;
  n: number;
  sum: number;
  min: number;
  max: number;
  first: number;
  last: number;
}

function hoursOf(points: readonly RawPoint[], f: number, base: number): Hour[] {
  const out: Hour[] = [];
  let h: Hour | undefined;
  for (const p of points) {
    const x = Math.round((p.v as number) * f);
    const index = (bucketStart(p.t, HOUR) - base) / HOUR;
    if (h?.index === index) {
      h.n++;
      h.sum += x;
      h.min = Math.min(h.min, x);
      h.max = Math.max(h.max, x);
      h.last = x;
    } else {
      h = { index, n: 1, sum: x, min: x, max: x, first: x, last: x };
      out.push(h);
    }
  }
  return out;
}

/** The hour buckets of a window's sorted points, or null when they are not all decimal numbers
 * (or a sum would leave the safe integers). */
export function encodeHours(points: readonly RawPoint[]): Uint8Array | null {
  const first = points[0];
  if (!first || !points.every((p) => typeof p.v === "number")) return null;
  const scale = decimalScale(points.map((p) => p.v as number));
  if (scale === undefined) return null;
  const base = bucketStart(first.t, HOUR);
  const hours = hoursOf(points, 10 ** scale, base);
  const w = new ByteWriter();
  w.byte(scale);
  w.zigzag(base / HOUR);
  w.varint(hours.length);
  let index = 0;
  let last = 0;
  for (const h of hours) {
    const above = h.sum - h.n * h.min;
    if (![h.sum, h.n * h.min, above].every(Number.isSafeInteger)) return null;
    w.varint(h.index - index);
    w.varint(h.n);
    w.zigzag(h.min - last);
    w.varint(h.first - h.min);
    w.varint(h.max - h.min);
    w.varint(h.last - h.min);
    w.varint(above);
    index = h.index;
    last = h.last;
  }
  return w.finish();
}

/** The hour buckets of `bytes` that start in [from, to), as a query returns them. */
export function decodeHours(bytes: Uint8Array, from: number, to: number): Bucket[] {
  const r = new ByteReader(bytes);
  const f = 10 ** r.byte();
  const base = r.zigzag() * HOUR;
  const count = r.varint();
  const out: Bucket[] = [];
  let index = 0;
  let last = 0;
  for (let i = 0; i < count; i++) {
    index += r.varint();
    const n = r.varint();
    const min = last + r.zigzag();
    const first = min + r.varint();
    const max = min + r.varint();
    last = min + r.varint();
    const sum = n * min + r.varint();
    const t = base + index * HOUR;
    if (t >= from && t < to)
      out.push({ t, n, first: first / f, last: last / f, min: min / f, max: max / f, mean: sum / f / n });
  }
  return out;
}
