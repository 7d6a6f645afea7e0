/* Reading values and buckets in and out of SQLite columns (./sqlite-schema.ts, ./chunk-schema.ts):
 * `v` and its kind `k`; a bucket row and the parameters that write one. Both SQLite engines. */
import type { ReadingValue } from "../../shared/model";
import type { BucketState } from "./buckets";
import type { BucketParams, BucketRow } from "./sqlite-statements";

export type Stored = { v: number | string; k: number | null };

export function toColumns(value: ReadingValue): Stored {
  if (typeof value === "number") return { v: value, k: null };
  if (typeof value === "boolean") return { v: value ? 1 : 0, k: 1 };
  return { v: value, k: 2 };
}

export function fromColumns(v: number | string, k: number | null): ReadingValue {
  if (k === 1) return v === 1;
  if (k === 2) return String(v);
  return Number(v);
}

/** A bucket as the engines compute with it, from its row. */
export const bucketFromRow = (r: BucketRow): BucketState => ({
  t: r.t,
  n: r.n,
  sum: r.sum,
  min: r.min,
  max: r.max,
  numeric: r.numeric === 1,
  firstT: r.first_t,
  first: fromColumns(r.first_v, r.first_k),
  lastT: r.last_t,
  last: fromColumns(r.last_v, r.last_k),
});

/** The parameters of a bucket row's INSERT OR REPLACE, for `series`. */
export function bucketParams(series: number, b: BucketState): BucketParams {
  const first = toColumns(b.first);
  const last = toColumns(b.last);
  return [
    series,
    b.t,
    b.n,
    b.sum,
    b.min,
    b.max,
    b.numeric ? 1 : 0,
    b.firstT,
    first.v,
    first.k,
    b.lastT,
    last.v,
    last.k,
  ];
}
