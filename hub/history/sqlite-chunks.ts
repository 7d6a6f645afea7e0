/* The chunked SQLite history engine, on the item store's connection (`add` runs inside the
 * caller's transaction, as ./sqlite.ts does). Readings arrive in a head of fragments, one per
 * series window an `add` touches (./chunk-head.ts); `prune` seals each series' windows (`windowMs`, whole hours) that ended
 * `sealLagMs` ago into one compressed chunk each (./chunk-codec.ts; tables in ./chunk-schema.ts).
 *
 * - Rollups are computed from the raw readings they cover (./chunk-rollup.ts), so they agree by
 *   construction, until retention is about to trim a window's first reading; its buckets are
 *   then written out as rows first ("rolled"), so rollups outlive raw readings as in every engine.
 * - A reading for a sealed window (late, or sent again) is merged into its chunk, which is
 *   re-encoded once per `add`; for a rolled window its bucket rows are updated too.
 * Semantics: ./types.ts, the same as every engine's. */
import type { Database } from "better-sqlite3";
import type { Reading } from "../../shared/model";
import { bucketStart } from "./buckets";
import { decodeChunk, encodeChunk } from "./chunk-codec";
import {
  HeadBatch,
  moveRowHead,
  oldestHeadWindow,
  pointOf,
  putHead,
  sameValue,
  takeHeadWindow,
} from "./chunk-head";
import { encodeHours } from "./chunk-hours";
import { queryChunks } from "./chunk-query";
import { mergeIntoRows, rebuildRows, writeBuckets } from "./chunk-rollup";
import { migrateChunks } from "./chunk-schema";
import { type ChunkRow, type ChunkStatements, prepareChunks } from "./chunk-statements";
import {
  type AddResult,
  BUCKET_MS,
  type HistoryStore,
  HOUR,
  type RawPoint,
  type RetentionPolicy,
  retentionOf,
} from "./types";

export interface ChunkOptions {
  /** Width of a sealed window, a whole number of hours; default 6 h. */
  windowMs?: number;
  /** How long after its end a window is sealed; default 1 h. */
  sealLagMs?: number;
}

export interface ChunkHistoryStore extends HistoryStore {
  /** Seals the head's windows that ended `sealLagMs` before `now`, moving at most about `limit`
   * readings (whole windows); returns how many it moved. `prune` calls it first. */
  seal(now: number, limit: number): number;
}

/** Where the readings of one channel in one window go in an `add`: a sealed chunk or the head. */
interface Route {
  start: number;
  end: number;
  open: Open | null;
  batch: HeadBatch | undefined;
}

interface Open {
  series: number;
  chunk: ChunkRow;
  points: Map<number, RawPoint>;
  dirty: boolean;
}

const sorted = (o: Open): RawPoint[] => [...o.points.values()].sort((a, b) => a.t - b.t);

/** Round-robin over every series once, from the one after the cursor, wrapping round, so every
 * series gets its turn however small a limit. A step that stops (its limit reached) leaves the
 * cursor before its series, so the next call resumes there: its work may not be finished. */
function roundRobin(
  st: ChunkStatements,
  cursor: { at: number },
  step: (id: number, device: string) => boolean,
): void {
  const after = st.seriesAfter.all(cursor.at);
  const before = st.seriesUpTo.all(cursor.at);
  for (const { id, device } of [...after, ...before]) {
    if (!step(id, device)) {
      cursor.at = id - 1;
      return;
    }
    cursor.at = id;
  }
}

export function openChunkedHistory(
  db: Database,
  policy: RetentionPolicy,
  options: ChunkOptions = {},
): ChunkHistoryStore {
  const windowMs = options.windowMs ?? 6 * HOUR;
  const lag = options.sealLagMs ?? HOUR;
  if (!(windowMs >= HOUR && windowMs % HOUR === 0))
    throw new Error("history chunk window must be a whole number of hours");
  migrateChunks(db);
  const st = prepareChunks(db);
  db.transaction(() => moveRowHead(db, st, (t) => bucketStart(t, windowMs)))();

  /** Writes a window's chunk, with its hour buckets while it is not rolled (./chunk-hours.ts). */
  const putChunk = (series: number, start: number, rolled: number, points: readonly RawPoint[]): void => {
    const hours = rolled === 0 ? encodeHours(points) : null;
    st.putChunk.run(series, start, rolled, points.length, encodeChunk(points), hours);
  };

  const seriesId = (device: string, channel: string): number => {
    const found = st.series.get(device, channel);
    return found ? found.id : Number(st.addSeries.run(device, channel).lastInsertRowid);
  };

  /** A reading for a sealed window: into its points (and its bucket rows when rolled). */
  const intoChunk = (o: Open, r: Reading, result: AddResult): void => {
    const old = o.points.get(r.t);
    if (old && sameValue(old, r)) {
      result.duplicates++;
      return;
    }
    o.points.set(r.t, pointOf(r));
    o.dirty = true;
    result.added++;
    if (o.chunk.rolled === 0) return;
    if (old) rebuildRows(st, o.series, o.points.values(), r.t);
    else mergeIntoRows(st, o.series, r.t, r.v);
  };

  const addAll = db.transaction((device: string, readings: readonly Reading[], now: number): AddResult => {
    const result: AddResult = { added: 0, duplicates: 0, tooOld: 0 };
    const retention = retentionOf(policy, device);
    const ids = new Map<string, number>();
    const open = new Map<string, Open | null>();
    const head = new Map<string, HeadBatch>();
    /** Where a reading of (channel, window) goes: its sealed chunk, or the head batch. */
    const routeOf = (channel: string, t: number): Route => {
      const series = ids.get(channel) ?? seriesId(device, channel);
      ids.set(channel, series);
      const start = bucketStart(t, windowMs);
      const key = `${series}/${start}`;
      let o = open.get(key);
      if (o === undefined) {
        const chunk = st.chunk.get(series, start);
        o = chunk
          ? { series, chunk, points: new Map(decodeChunk(chunk.data).map((p) => [p.t, p])), dirty: false }
          : null;
        open.set(key, o);
      }
      let batch: HeadBatch | undefined;
      if (!o) {
        batch = head.get(key) ?? new HeadBatch(series, start);
        head.set(key, batch);
      }
      return { start, end: start + windowMs, open: o, batch };
    };
    // A batch holds runs of readings of one channel in one window: the last route per channel
    // serves each run without building its key again.
    const last = new Map<string, Route>();
    for (const r of readings) {
      if (r.t < now - retention.raw) {
        result.tooOld++;
        continue;
      }
      let route = last.get(r.c);
      if (route === undefined || r.t < route.start || r.t >= route.end) {
        route = routeOf(r.c, r.t);
        last.set(r.c, route);
      }
      if (route.open) intoChunk(route.open, r, result);
      else route.batch?.add(r, result);
    }
    for (const batch of head.values()) putHead(st, batch, result);
    for (const o of open.values()) {
      if (!o?.dirty) continue;
      const points = sorted(o);
      putChunk(o.series, o.chunk.start, o.chunk.rolled, points);
    }
    return result;
  });

  const sealCursor = { at: 0 };
  const seal = (now: number, limit: number): number => {
    let moved = 0;
    roundRobin(st, sealCursor, (series, device) => {
      const retention = retentionOf(policy, device);
      for (;;) {
        const start = oldestHeadWindow(st, series);
        if (start === undefined) break;
        // Also a window retention has reached, however recent its end: `trim` needs it sealed.
        if (start + windowMs > now - lag && start >= now - retention.raw) break;
        const points = takeHeadWindow(st, series, start);
        putChunk(series, start, 0, points);
        moved += points.length;
        if (moved >= limit) return false;
      }
      return true;
    });
    return moved;
  };

  /** Trims sealed windows past the raw tier's retention, writing their buckets out first. */
  const trimCursor = { at: 0 };
  const trim = (now: number, limit: number): number => {
    let done = 0;
    roundRobin(st, trimCursor, (series, device) => {
      const cutoff = now - retentionOf(policy, device).raw;
      if (!Number.isFinite(cutoff)) return true;
      for (const chunk of st.oldest.all(series, cutoff, limit - done)) {
        const points = decodeChunk(chunk.data);
        if ((points[0]?.t ?? cutoff) >= cutoff) break;
        if (chunk.rolled === 0) writeBuckets(st, series, points);
        const kept = points.filter((p) => p.t >= cutoff);
        if (kept.length > 0) putChunk(series, chunk.start, 1, kept);
        else st.dropChunk.run(chunk.id);
        done++;
      }
      return done < limit;
    });
    return done;
  };

  /** Deletes written-out buckets past their tier's retention (a bucket when all of it is past). */
  const bucketCursor = { at: 0 };
  const pruneBuckets = (now: number, limit: number): number => {
    let done = 0;
    roundRobin(st, bucketCursor, (series, device) => {
      const retention = retentionOf(policy, device);
      for (const tier of ["1m", "1h"] as const) {
        const cutoff = now - retention[tier] - (BUCKET_MS[tier] - 1);
        if (Number.isFinite(cutoff) && done < limit)
          done += st.rollup[tier].prune.run(series, cutoff, limit - done).changes;
      }
      return done < limit;
    });
    return done;
  };

  return {
    add: (device, readings, now) => addAll(device, readings, now),
    query: (q) => queryChunks(st, windowMs, q),
    channels: (device) => st.channels.all(device).map((r) => r.channel),
    seal: db.transaction(seal),
    prune: db.transaction((now: number, limit: number): number => {
      let done = seal(now, limit);
      if (done < limit) done += trim(now, limit - done);
      if (done < limit) done += pruneBuckets(now, limit - done);
      return done;
    }),
    forget: db.transaction((device: string) => {
      for (const { id } of st.seriesOf.all(device)) {
        st.frag.forget.run(id);
        st.forgetChunks.run(id);
        st.rollup["1m"].forget.run(id);
        st.rollup["1h"].forget.run(id);
        st.dropSeries.run(id);
      }
    }),
  };
}
