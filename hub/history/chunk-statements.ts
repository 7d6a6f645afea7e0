/* Prepared statements of the chunked history engine (./sqlite-chunks.ts), typed. */
import type { Database } from "better-sqlite3";
import type { BucketParams, BucketRow } from "./sqlite-statements";

export interface ChunkRow {
  id: number;
  start: number;
  rolled: number;
  n: number;
  data: Uint8Array;
}

/** A chunk as a 1-hour query reads it: its readings only when it has no hour buckets. */
export interface HoursRow {
  start: number;
  rolled: number;
  hours: Uint8Array | null;
  data: Uint8Array | null;
}

type Rollup = "1m" | "1h";
const BUCKETS: Readonly<Record<Rollup, string>> = { "1m": "history_chunk_1m", "1h": "history_chunk_1h" };
const CHUNK = "SELECT id, start, rolled, n, data FROM history_chunk";

function rollup(db: Database, table: string) {
  return {
    get: db.prepare<[number, number], BucketRow>(`SELECT * FROM ${table} WHERE series = ? AND t = ?`),
    put: db.prepare<BucketParams>(
      `INSERT OR REPLACE INTO ${table} (series, t, n, sum, min, max, numeric,
         first_t, first_v, first_k, last_t, last_v, last_k) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    range: db.prepare<[number, number, number, number], BucketRow>(
      `SELECT * FROM ${table} WHERE series = ? AND t >= ? AND t < ? ORDER BY t LIMIT ?`,
    ),
    prune: db.prepare<[number, number, number]>(
      `DELETE FROM ${table} WHERE (series, t) IN
         (SELECT series, t FROM ${table} WHERE series = ? AND t < ? ORDER BY t LIMIT ?)`,
    ),
    forget: db.prepare<[number]>(`DELETE FROM ${table} WHERE series = ?`),
  };
}

/** A head fragment (./chunk-head.ts). */
export interface FragRow {
  id: number;
  start: number;
  data: Uint8Array;
}

const frag = (db: Database) => ({
  put: db.prepare<[series: number, start: number, lo: number, hi: number, n: number, data: Uint8Array]>(
    "INSERT INTO history_chunk_frag (series, start, lo, hi, n, data) VALUES (?, ?, ?, ?, ?, ?)",
  ),
  /** The fragments of a series window holding a time in [lo, hi]. */
  overlapping: db.prepare<[number, number, number, number], FragRow>(
    "SELECT id, start, data FROM history_chunk_frag WHERE series = ? AND start = ? AND hi >= ? AND lo <= ?",
  ),
  drop: db.prepare<[number]>("DELETE FROM history_chunk_frag WHERE id = ?"),
  /** The fragments of a series holding a time in [from, to), by window, from the window
   * that holds `from`. */
  range: db.prepare<[series: number, firstWindow: number, to: number, from: number, to: number], FragRow>(
    `SELECT id, start, data FROM history_chunk_frag
     WHERE series = ? AND start >= ? AND start < ? AND hi >= ? AND lo < ? ORDER BY start`,
  ),
  oldest: db.prepare<[number], { start: number | null }>(
    "SELECT MIN(start) AS start FROM history_chunk_frag WHERE series = ?",
  ),
  window: db
    .prepare<[number, number], Uint8Array>(
      "SELECT data FROM history_chunk_frag WHERE series = ? AND start = ?",
    )
    .pluck(),
  dropWindow: db.prepare<[number, number]>("DELETE FROM history_chunk_frag WHERE series = ? AND start = ?"),
  forget: db.prepare<[number]>("DELETE FROM history_chunk_frag WHERE series = ?"),
});

export function prepareChunks(db: Database) {
  return {
    frag: frag(db),
    series: db.prepare<[string, string], { id: number }>(
      "SELECT id FROM history_chunk_series WHERE device = ? AND channel = ?",
    ),
    addSeries: db.prepare<[string, string]>(
      "INSERT INTO history_chunk_series (device, channel) VALUES (?, ?)",
    ),
    channels: db.prepare<[string], { channel: string }>(
      "SELECT channel FROM history_chunk_series WHERE device = ? ORDER BY channel",
    ),
    seriesOf: db.prepare<[string], { id: number }>("SELECT id FROM history_chunk_series WHERE device = ?"),
    seriesAfter: db.prepare<[number], { id: number; device: string }>(
      "SELECT id, device FROM history_chunk_series WHERE id > ? ORDER BY id",
    ),
    seriesUpTo: db.prepare<[number], { id: number; device: string }>(
      "SELECT id, device FROM history_chunk_series WHERE id <= ? ORDER BY id",
    ),
    dropSeries: db.prepare<[number]>("DELETE FROM history_chunk_series WHERE id = ?"),
    chunk: db.prepare<[number, number], ChunkRow>(`${CHUNK} WHERE series = ? AND start = ?`),
    chunks: db.prepare<[number, number, number], ChunkRow>(
      `${CHUNK} WHERE series = ? AND start >= ? AND start < ? ORDER BY start`,
    ),
    hours: db.prepare<[number, number, number], HoursRow>(
      `SELECT start, rolled, hours, CASE WHEN hours IS NULL AND rolled = 0 THEN data END AS data
       FROM history_chunk WHERE series = ? AND start >= ? AND start < ? ORDER BY start`,
    ),
    /** The oldest chunks of a series starting before a time. */
    oldest: db.prepare<[number, number, number], ChunkRow>(
      `${CHUNK} WHERE series = ? AND start < ? ORDER BY start LIMIT ?`,
    ),
    putChunk: db.prepare<[number, number, number, number, Uint8Array, Uint8Array | null]>(
      "INSERT OR REPLACE INTO history_chunk (series, start, rolled, n, data, hours) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    dropChunk: db.prepare<[number]>("DELETE FROM history_chunk WHERE id = ?"),
    forgetChunks: db.prepare<[number]>("DELETE FROM history_chunk WHERE series = ?"),
    rollup: { "1m": rollup(db, BUCKETS["1m"]), "1h": rollup(db, BUCKETS["1h"]) },
  };
}

export type ChunkStatements = ReturnType<typeof prepareChunks>;
