/* The in-memory history engine: the reference for the contract suite and for tests of what
 * reads history. Same semantics as the SQLite engine (./types.ts). */
import type { Reading } from "../../shared/model";
import {
  type BucketState,
  bucketOf,
  bucketStart,
  firstTime,
  mergeBuckets,
  mergeReading,
  publicBucket,
  recompute,
} from "./buckets";
import {
  type AddResult,
  BUCKET_MS,
  type HistoryPage,
  type HistoryQuery,
  type HistoryStore,
  type RawPoint,
  type RetentionPolicy,
  retentionOf,
} from "./types";

interface Series {
  raw: Map<number, RawPoint>;
  "1m": Map<number, BucketState>;
  "1h": Map<number, BucketState>;
}

const key = (device: string, channel: string): string => `${device}\u0000${channel}`;
const sameValue = (a: RawPoint, r: Reading): boolean => a.v === r.v && a.q === r.q;

export function createMemoryHistory(policy: RetentionPolicy): HistoryStore {
  const series = new Map<string, Series>();

  const seriesOf = (device: string, channel: string): Series => {
    const k = key(device, channel);
    let s = series.get(k);
    if (!s) {
      s = { raw: new Map(), "1m": new Map(), "1h": new Map() };
      series.set(k, s);
    }
    return s;
  };

  const merge = (s: Series, tier: "1m" | "1h", r: Reading): void => {
    const start = bucketStart(r.t, BUCKET_MS[tier]);
    const b = s[tier].get(start);
    s[tier].set(start, b ? mergeReading(b, r.t, r.v) : bucketOf(r.t, BUCKET_MS[tier], r.t, r.v));
  };

  /** A replaced value: the minute again from raw, the hour again from its minutes. */
  const rebuild = (s: Series, t: number): void => {
    const m = bucketStart(t, BUCKET_MS["1m"]);
    const points = [...s.raw.entries()].filter(([pt]) => bucketStart(pt, BUCKET_MS["1m"]) === m);
    const minute = recompute(
      m,
      BUCKET_MS["1m"],
      points.map(([pt, p]) => ({ t: pt, v: p.v })),
    );
    if (minute) s["1m"].set(m, minute);
    const h = bucketStart(t, BUCKET_MS["1h"]);
    let hour: BucketState | undefined;
    for (const [start, b] of s["1m"])
      if (bucketStart(start, BUCKET_MS["1h"]) === h) hour = hour ? mergeBuckets(hour, b) : { ...b, t: h };
    if (hour) s["1h"].set(h, hour);
  };

  return {
    add(device, readings, now) {
      const result: AddResult = { added: 0, duplicates: 0, tooOld: 0 };
      const retention = retentionOf(policy, device);
      for (const r of readings) {
        if (r.t < now - retention.raw) {
          result.tooOld++;
          continue;
        }
        const s = seriesOf(device, r.c);
        const old = s.raw.get(r.t);
        if (old && sameValue(old, r)) {
          result.duplicates++;
          continue;
        }
        s.raw.set(r.t, r.q === undefined ? { t: r.t, v: r.v } : { t: r.t, v: r.v, q: r.q });
        result.added++;
        if (old) rebuild(s, r.t);
        else {
          merge(s, "1m", r);
          merge(s, "1h", r);
        }
      }
      return result;
    },

    query(q: HistoryQuery): HistoryPage {
      const s = series.get(key(q.device, q.channel));
      const lower = firstTime(q);
      const pick = <T extends { t: number }>(m: Map<number, T> | undefined): { rows: T[]; more: boolean } => {
        const rows = [...(m?.values() ?? [])]
          .filter((x) => x.t >= lower && x.t < q.to)
          .sort((a, b) => a.t - b.t);
        return { rows: rows.slice(0, q.limit), more: rows.length > q.limit };
      };
      if (q.tier === "raw") {
        const { rows, more } = pick(s?.raw);
        return { tier: "raw", points: rows.map((p) => ({ ...p })), more };
      }
      const { rows, more } = pick(s?.[q.tier]);
      return { tier: q.tier, buckets: rows.map(publicBucket), more };
    },

    channels(device) {
      const prefix = key(device, "");
      return [...series.keys()]
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length))
        .sort();
    },

    prune(now, limit) {
      let deleted = 0;
      for (const [k, s] of series) {
        const retention = retentionOf(policy, k.slice(0, k.indexOf("\u0000")));
        for (const tier of ["raw", "1m", "1h"] as const) {
          // A raw reading is past when its time is; a bucket when its end is.
          const cutoff = now - retention[tier] - (tier === "raw" ? 0 : BUCKET_MS[tier] - 1);
          for (const t of s[tier].keys()) {
            if (deleted >= limit) return deleted;
            if (t < cutoff) {
              s[tier].delete(t);
              deleted++;
            }
          }
        }
      }
      return deleted;
    },

    forget(device) {
      const prefix = key(device, "");
      for (const k of [...series.keys()]) if (k.startsWith(prefix)) series.delete(k);
    },
  };
}
