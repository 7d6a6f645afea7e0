/* A range aggregate (the history query's `summary`, docs/history.md): every point or bucket of
 * one channel in a range at a tier, merged into one bucket, read from the store page by page so
 * that no range is too long. Its time is that of the first entry merged; min, max and mean only
 * when every entry has them (numbers). */
import {
  type Bucket,
  DEFAULT_HISTORY_PAGE,
  type HistoryQuery,
  type HistoryStore,
  type RawPoint,
} from "./types";

const asBucket = (p: RawPoint): Bucket =>
  typeof p.v === "number"
    ? { t: p.t, n: 1, first: p.v, last: p.v, min: p.v, max: p.v, mean: p.v }
    : { t: p.t, n: 1, first: p.v, last: p.v };

interface Acc {
  b: Bucket;
  sum: number;
  numeric: boolean;
}

function merge(acc: Acc | undefined, b: Bucket): Acc {
  const numeric = b.min !== undefined && b.max !== undefined && b.mean !== undefined;
  if (!acc) return { b: { ...b }, sum: numeric ? (b.mean as number) * b.n : 0, numeric };
  const a = acc.b;
  a.n += b.n;
  a.last = b.last; // entries come in time order
  acc.numeric = acc.numeric && numeric;
  if (acc.numeric) {
    a.min = Math.min(a.min as number, b.min as number);
    a.max = Math.max(a.max as number, b.max as number);
    acc.sum += (b.mean as number) * b.n;
  }
  return acc;
}

export function summarize(
  history: HistoryStore,
  q: Omit<HistoryQuery, "limit" | "after">,
): Bucket | undefined {
  let acc: Acc | undefined;
  let after: number | undefined;
  for (;;) {
    const page = history.query({
      ...q,
      limit: DEFAULT_HISTORY_PAGE,
      ...(after === undefined ? {} : { after }),
    });
    const entries = page.tier === "raw" ? page.points.map(asBucket) : page.buckets;
    for (const b of entries) acc = merge(acc, b);
    const last = entries.at(-1);
    if (!page.more || last === undefined) break;
    after = last.t;
  }
  if (!acc) return undefined;
  const { t, n, first, last } = acc.b;
  return acc.numeric
    ? { t, n, first, last, min: acc.b.min as number, max: acc.b.max as number, mean: acc.sum / n }
    : { t, n, first, last };
}
