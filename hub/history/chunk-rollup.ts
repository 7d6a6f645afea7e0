/* Rollups of the chunked engine (./sqlite-chunks.ts). A window's 1-minute and 1-hour buckets
 * are computed from its raw readings (head rows or chunk), so they agree with them by
 * construction, until retention is about to trim the window; then they are written out as rows
 * ("rolled") and kept up to date as the row engine keeps its own (./sqlite.ts). */

import type { ReadingValue } from "../../shared/model";
import { type BucketState, bucketOf, bucketStart, mergeBuckets, mergeReading, recompute } from "./buckets";
import type { ChunkStatements } from "./chunk-statements";
import { bucketFromRow, bucketParams } from "./sqlite-values";
import { BUCKET_MS, type RawPoint } from "./types";

type Rollup = "1m" | "1h";
const ROLLUPS = ["1m", "1h"] as const;
const ALL = -1; // LIMIT -1: no limit

/** mergeReading (./buckets.ts) in place, on a bucket this module made: no allocation per point. */
function mergeInPlace(b: BucketState, t: number, v: ReadingValue): void {
  const x = typeof v === "number" ? v : 0;
  b.n += 1;
  b.sum += x;
  b.min = Math.min(b.min, x);
  b.max = Math.max(b.max, x);
  if (t < b.firstT) {
    b.firstT = t;
    b.first = v;
  }
  if (t >= b.lastT) {
    b.lastT = t;
    b.last = v;
  }
  b.numeric = b.numeric && typeof v === "number";
}

/** The buckets of width `width` of sorted points, with starts in [from, to). */
export function bucketsOf(
  points: readonly RawPoint[],
  width: number,
  from: number,
  to: number,
): BucketState[] {
  const out: BucketState[] = [];
  let b: BucketState | undefined;
  for (const p of points) {
    const start = bucketStart(p.t, width);
    if (start < from || start >= to) continue;
    if (b && b.t === start) mergeInPlace(b, p.t, p.v);
    else {
      if (b) out.push(b);
      b = bucketOf(p.t, width, p.t, p.v);
    }
  }
  if (b) out.push(b);
  return out;
}

function putBucket(st: ChunkStatements, tier: Rollup, series: number, b: BucketState): void {
  st.rollup[tier].put.run(...bucketParams(series, b));
}

/** Writes a window's buckets out as rows. */
export function writeBuckets(st: ChunkStatements, series: number, points: readonly RawPoint[]): void {
  for (const tier of ROLLUPS)
    for (const b of bucketsOf(points, BUCKET_MS[tier], Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY))
      putBucket(st, tier, series, b);
}

/** A new reading of a rolled window, merged into its bucket rows. */
export function mergeIntoRows(st: ChunkStatements, series: number, t: number, v: ReadingValue): void {
  for (const tier of ROLLUPS) {
    const width = BUCKET_MS[tier];
    const row = st.rollup[tier].get.get(series, bucketStart(t, width));
    putBucket(st, tier, series, row ? mergeReading(bucketFromRow(row), t, v) : bucketOf(t, width, t, v));
  }
}

/** A replaced value of a rolled window: its minute again from the readings, its hour from the
 * minutes (as the row engine does). */
export function rebuildRows(
  st: ChunkStatements,
  series: number,
  points: Iterable<RawPoint>,
  t: number,
): void {
  const m = bucketStart(t, BUCKET_MS["1m"]);
  const inMinute = [...points].filter((p) => bucketStart(p.t, BUCKET_MS["1m"]) === m);
  const minute = recompute(m, BUCKET_MS["1m"], inMinute);
  if (minute) putBucket(st, "1m", series, minute);
  const h = bucketStart(t, BUCKET_MS["1h"]);
  const minutes = st.rollup["1m"].range.all(series, h, h + BUCKET_MS["1h"], ALL).map(bucketFromRow);
  const hour = minutes.reduce<BucketState | undefined>(
    (a, b) => (a ? mergeBuckets(a, b) : { ...b, t: h }),
    undefined,
  );
  if (hour) putBucket(st, "1h", series, hour);
}
