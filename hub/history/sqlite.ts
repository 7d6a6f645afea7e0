/* The SQLite history engine, on the item store's connection: `add` runs inside the caller's
 * transaction (better-sqlite3 nests it as a SAVEPOINT), so a reading and its PubSub item are one
 * durable commit. Semantics: ./types.ts. Tables: ./sqlite-schema.ts.
 * References: https://sqlite.org/lang_savepoint.html, https://sqlite.org/rowvalue.html. */
import type { Database } from "better-sqlite3";
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
import { migrateHistory } from "./sqlite-schema";
import { prepareHistory, type RawRow, ROLLUPS, TIERS } from "./sqlite-statements";
import { bucketFromRow, bucketParams, fromColumns, toColumns } from "./sqlite-values";
import {
  type AddResult,
  BUCKET_MS,
  type HistoryPage,
  type HistoryStore,
  type RawPoint,
  type RetentionPolicy,
  retentionOf,
} from "./types";

const toPoint = (r: RawRow): RawPoint => {
  const p: RawPoint = { t: r.t, v: fromColumns(r.v, r.k) };
  if (r.q !== null) p.q = r.q as RawPoint["q"];
  return p;
};

const ALL = -1; // LIMIT -1: no limit

export function openSqliteHistory(db: Database, policy: RetentionPolicy): HistoryStore {
  migrateHistory(db);
  const st = prepareHistory(db);

  const seriesId = (device: string, channel: string): number => {
    const found = st.series.get(device, channel);
    return found ? found.id : Number(st.addSeries.run(device, channel).lastInsertRowid);
  };

  const getBucket = (tier: "1m" | "1h", series: number, t: number): BucketState | undefined => {
    const row = st.rollup[tier].get.get(series, t);
    return row && bucketFromRow(row);
  };
  const putBucket = (tier: "1m" | "1h", series: number, b: BucketState): void => {
    st.rollup[tier].put.run(...bucketParams(series, b));
  };

  const merge = (series: number, r: Reading): void => {
    for (const tier of ROLLUPS) {
      const width = BUCKET_MS[tier];
      const b = getBucket(tier, series, bucketStart(r.t, width));
      putBucket(tier, series, b ? mergeReading(b, r.t, r.v) : bucketOf(r.t, width, r.t, r.v));
    }
  };

  /** A replaced value: the minute again from raw, the hour again from its minutes. */
  const rebuild = (series: number, t: number): void => {
    const m = bucketStart(t, BUCKET_MS["1m"]);
    const points = st.rawRange.all(series, m, m + BUCKET_MS["1m"], ALL);
    const minute = recompute(
      m,
      BUCKET_MS["1m"],
      points.map((p) => ({ t: p.t, v: fromColumns(p.v, p.k) })),
    );
    if (minute) putBucket("1m", series, minute);
    const h = bucketStart(t, BUCKET_MS["1h"]);
    const minutes = st.rollup["1m"].range.all(series, h, h + BUCKET_MS["1h"], ALL).map(bucketFromRow);
    const hour = minutes.reduce<BucketState | undefined>(
      (a, b) => (a ? mergeBuckets(a, b) : { ...b, t: h }),
      undefined,
    );
    if (hour) putBucket("1h", series, hour);
  };

  const addAll = db.transaction((device: string, readings: readonly Reading[], now: number): AddResult => {
    const result: AddResult = { added: 0, duplicates: 0, tooOld: 0 };
    const retention = retentionOf(policy, device);
    const ids = new Map<string, number>();
    for (const r of readings) {
      if (r.t < now - retention.raw) {
        result.tooOld++;
        continue;
      }
      const series = ids.get(r.c) ?? seriesId(device, r.c);
      ids.set(r.c, series);
      const value = toColumns(r.v);
      const old = st.getRaw.get(series, r.t);
      if (old && old.v === value.v && old.k === value.k && old.q === (r.q ?? null)) {
        result.duplicates++;
        continue;
      }
      st.putRaw.run(series, r.t, value.v, value.k, r.q ?? null);
      result.added++;
      if (old) rebuild(series, r.t);
      else merge(series, r);
    }
    return result;
  });

  let pruneCursor = 0;

  return {
    add: (device, readings, now) => addAll(device, readings, now),

    query(q): HistoryPage {
      const found = st.series.get(q.device, q.channel);
      const lower = firstTime(q);
      if (q.tier === "raw") {
        const rows = found ? st.rawRange.all(found.id, lower, q.to, q.limit + 1) : [];
        return { tier: "raw", points: rows.slice(0, q.limit).map(toPoint), more: rows.length > q.limit };
      }
      const rows = found ? st.rollup[q.tier].range.all(found.id, lower, q.to, q.limit + 1) : [];
      return {
        tier: q.tier,
        buckets: rows.slice(0, q.limit).map((r) => publicBucket(bucketFromRow(r))),
        more: rows.length > q.limit,
      };
    },

    channels: (device) => st.channels.all(device).map((r) => r.channel),

    // One transaction per step: one fsync, however many series it visits.
    prune: db.transaction((now: number, limit: number): number => {
      // Round-robin over series, so every series is pruned in turn however small `limit` is.
      let deleted = 0;
      const rest = st.seriesAfter.all(pruneCursor);
      for (const { id, device } of rest.length > 0 ? rest : st.seriesAfter.all(0)) {
        const retention = retentionOf(policy, device);
        for (const tier of TIERS) {
          // A raw reading is past when its time is; a bucket when its end is.
          const cutoff = now - retention[tier] - (tier === "raw" ? 0 : BUCKET_MS[tier] - 1);
          if (Number.isFinite(cutoff) && deleted < limit)
            deleted += st.prune[tier].run(id, cutoff, limit - deleted).changes;
        }
        pruneCursor = id;
        if (deleted >= limit) return deleted;
      }
      pruneCursor = 0;
      return deleted;
    }),

    forget: db.transaction((device: string) => {
      for (const { id } of st.seriesOf.all(device)) {
        for (const tier of TIERS) st.forget[tier].run(id);
        st.dropSeries.run(id);
      }
    }),
  };
}
