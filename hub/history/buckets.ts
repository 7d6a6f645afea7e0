/* Rollup arithmetic shared by every history engine: which bucket a reading falls in, how a
 * reading merges into a bucket (in any order), and a bucket recomputed from the readings it
 * covers. Pure functions. */
import type { ReadingValue } from "../../shared/model";
import { BUCKET_MS, type Bucket, type HistoryQuery } from "./types";

/** The start of the bucket of width `width` that holds time `t`. */
export const bucketStart = (t: number, width: number): number => Math.floor(t / width) * width;

/** A bucket as engines keep it: sums instead of means, and the times of first and last. */
export interface BucketState {
  t: number;
  n: number;
  sum: number;
  min: number;
  max: number;
  firstT: number;
  first: ReadingValue;
  lastT: number;
  last: ReadingValue;
  numeric: boolean;
}

/** A bucket holding one reading. */
export function bucketOf(t: number, width: number, readingT: number, v: ReadingValue): BucketState {
  const numeric = typeof v === "number";
  const x = numeric ? v : 0;
  return {
    t: bucketStart(t, width),
    n: 1,
    sum: x,
    min: x,
    max: x,
    firstT: readingT,
    first: v,
    lastT: readingT,
    last: v,
    numeric,
  };
}

/** Merges a reading into a bucket; the order readings arrive in does not matter. */
export function mergeReading(b: BucketState, readingT: number, v: ReadingValue): BucketState {
  const numeric = b.numeric && typeof v === "number";
  const x = typeof v === "number" ? v : 0;
  return {
    t: b.t,
    n: b.n + 1,
    sum: b.sum + x,
    min: Math.min(b.min, x),
    max: Math.max(b.max, x),
    firstT: readingT < b.firstT ? readingT : b.firstT,
    first: readingT < b.firstT ? v : b.first,
    lastT: readingT >= b.lastT ? readingT : b.lastT,
    last: readingT >= b.lastT ? v : b.last,
    numeric,
  };
}

/** Merges two buckets of the same start (an hour from its minutes). */
export function mergeBuckets(a: BucketState, b: BucketState): BucketState {
  return {
    t: a.t,
    n: a.n + b.n,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    firstT: b.firstT < a.firstT ? b.firstT : a.firstT,
    first: b.firstT < a.firstT ? b.first : a.first,
    lastT: b.lastT >= a.lastT ? b.lastT : a.lastT,
    last: b.lastT >= a.lastT ? b.last : a.last,
    numeric: a.numeric && b.numeric,
  };
}

/** The bucket of width `width` starting at `start`, from the readings it covers (sorted or not). */
export function recompute(
  start: number,
  width: number,
  points: readonly { t: number; v: ReadingValue }[],
): BucketState | undefined {
  let b: BucketState | undefined;
  for (const p of points) b = b ? mergeReading(b, p.t, p.v) : bucketOf(start, width, p.t, p.v);
  return b;
}

/** What a query returns for a bucket. */
export function publicBucket(b: BucketState): Bucket {
  const out: Bucket = { t: b.t, n: b.n, first: b.first, last: b.last };
  if (b.numeric) {
    out.min = b.min;
    out.max = b.max;
    out.mean = b.sum / b.n;
  }
  return out;
}

/** Where a query's page starts: `from` for raw readings; for a rollup tier, the start of the
 * bucket holding `from` (a bucket is returned when it overlaps the range); after the cursor. */
export function firstTime(q: Pick<HistoryQuery, "from" | "tier" | "after">): number {
  const from = q.tier === "raw" ? q.from : bucketStart(q.from, BUCKET_MS[q.tier]);
  return q.after === undefined ? from : Math.max(from, q.after + 1);
}
