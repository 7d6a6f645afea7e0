/* The compact form of a history answer (`format='json'`, docs/history.md): each `<series/>`
 * holds one JSON array as its text instead of an element per entry, so that a day of readings a
 * minute apart is one text node for every hop (hub, server, client) to pass on, not 1,440
 * elements to build, parse and serialise.
 *
 * - A raw point is `[t, v]`, or `[t, v, q]` with a quality other than good; `t` in ms since the
 *   epoch, `v` a JSON number, boolean or string (the reading's own type).
 * - A bucket is `[t, n, first, last]`, and for numbers `[t, n, first, last, min, max, mean]`.
 * References: RFC 8259 (JSON). */
import { QUALITIES, type Quality, type ReadingValue } from "../model";
import type { HistoryBucket, HistoryPoint } from "./history";

export const pointJson = (p: HistoryPoint): string => JSON.stringify(p.q ? [p.t, p.v, p.q] : [p.t, p.v]);

export const bucketJson = (b: HistoryBucket): string =>
  JSON.stringify(
    b.min === undefined || b.max === undefined || b.mean === undefined
      ? [b.t, b.n, b.first, b.last]
      : [b.t, b.n, b.first, b.last, b.min, b.max, b.mean],
  );

/** A series' text: the entries (each from pointJson or bucketJson) as one JSON array. */
export const seriesJson = (entries: readonly string[]): string => `[${entries.join(",")}]`;

const isValue = (v: unknown): v is ReadingValue =>
  (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean" || typeof v === "string";
const isTime = (t: unknown): t is number => Number.isSafeInteger(t);

export type JsonSeries =
  | { ok: true; points: HistoryPoint[]; buckets: HistoryBucket[] }
  | { ok: false; text: string };

/** The entries of one series' text, checked entry by entry. */
export function parseSeriesJson(channel: string, text: string): JsonSeries {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    return { ok: false, text: `${channel}: the series is not JSON` };
  }
  if (!Array.isArray(rows)) return { ok: false, text: `${channel}: the series is not a JSON array` };
  const points: HistoryPoint[] = [];
  const buckets: HistoryBucket[] = [];
  for (const row of rows) {
    if (!Array.isArray(row) || !isTime(row[0]))
      return { ok: false, text: `${channel}: an entry without a time` };
    const [t, a, b, c, min, max, mean] = row as unknown[];
    if (row.length === 2 || row.length === 3) {
      const q = b;
      if (!isValue(a) || (row.length === 3 && !QUALITIES.includes(q as Quality)))
        return { ok: false, text: `${channel}: a malformed point` };
      points.push(row.length === 3 ? { t: t as number, v: a, q: q as Quality } : { t: t as number, v: a });
    } else if (row.length === 4 || row.length === 7) {
      if (!Number.isSafeInteger(a) || !isValue(b) || !isValue(c))
        return { ok: false, text: `${channel}: a malformed bucket` };
      const bucket: HistoryBucket = { t: t as number, n: a as number, first: b, last: c };
      if (row.length === 7) {
        if (![min, max, mean].every((x) => typeof x === "number" && Number.isFinite(x)))
          return { ok: false, text: `${channel}: a malformed bucket` };
        Object.assign(bucket, { min, max, mean });
      }
      buckets.push(bucket);
    } else return { ok: false, text: `${channel}: an entry of ${row.length} values` };
  }
  return { ok: true, points, buckets };
}
