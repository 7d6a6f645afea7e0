/* Tables of the chunked history engine (./sqlite-chunks.ts), in the item store's file, apart from
 * the row engine's (./sqlite-schema.ts). Versioned in their own row (`history_chunk_schema`).
 * - `history_chunk_frag`: raw readings of windows not yet sealed, as fragments (./chunk-head.ts):
 *   one per series window an `add` touched, `n` readings from `lo` to `hi` (indexed).
 *   Version 3 replaced `history_chunk_head`, a row per reading (moved by ./chunk-head.ts).
 * - `history_chunk`: one row per sealed series window, `data` from ./chunk-codec.ts. `rolled` is
 *   1 once the window's 1-minute and 1-hour buckets were written out as rows (before retention
 *   trimmed its first raw reading); until then its buckets are computed from its readings.
 *   A rowid table: a chunk is larger than a WITHOUT ROWID row should be. `hours` holds the
 *   window's 1-hour buckets (./chunk-hours.ts) while it is not rolled, when they can be encoded;
 *   NULL otherwise (and in chunks sealed before version 2), and then they come from `data`.
 * - `history_chunk_1m`, `history_chunk_1h`: those written-out buckets (columns as the row
 *   engine's rollup tables).
 * References: https://sqlite.org/withoutrowid.html §4. */
import type { Database } from "better-sqlite3";
import { migrateVersioned } from "./sqlite-schema";

const BUCKET_COLUMNS = `series INTEGER NOT NULL, t INTEGER NOT NULL, n INTEGER NOT NULL, sum REAL NOT NULL,
     min REAL NOT NULL, max REAL NOT NULL, numeric INTEGER NOT NULL,
     first_t INTEGER NOT NULL, first_v NOT NULL, first_k INTEGER,
     last_t INTEGER NOT NULL, last_v NOT NULL, last_k INTEGER,
     PRIMARY KEY (series, t)`;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE history_chunk_series (
     id INTEGER PRIMARY KEY,
     device TEXT NOT NULL,
     channel TEXT NOT NULL,
     UNIQUE (device, channel)
   );
   CREATE TABLE history_chunk_head (
     series INTEGER NOT NULL,
     t INTEGER NOT NULL,
     v NOT NULL,
     k INTEGER,
     q TEXT,
     PRIMARY KEY (series, t)
   ) WITHOUT ROWID;
   CREATE TABLE history_chunk (
     id INTEGER PRIMARY KEY,
     series INTEGER NOT NULL,
     start INTEGER NOT NULL,
     rolled INTEGER NOT NULL,
     n INTEGER NOT NULL,
     data BLOB NOT NULL,
     UNIQUE (series, start)
   );
   CREATE TABLE history_chunk_1m (${BUCKET_COLUMNS}) WITHOUT ROWID;
   CREATE TABLE history_chunk_1h (${BUCKET_COLUMNS}) WITHOUT ROWID;`,
  "ALTER TABLE history_chunk ADD COLUMN hours BLOB;",
  `CREATE TABLE history_chunk_frag (
     id INTEGER PRIMARY KEY,
     series INTEGER NOT NULL,
     start INTEGER NOT NULL,
     lo INTEGER NOT NULL,
     hi INTEGER NOT NULL,
     n INTEGER NOT NULL,
     data BLOB NOT NULL
   );
   CREATE INDEX history_chunk_frag_range ON history_chunk_frag (series, start, hi);`,
];

export const CHUNK_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the chunk tables to CHUNK_SCHEMA_VERSION; refuses tables from a newer hub. */
export const migrateChunks = (db: Database): void =>
  migrateVersioned(db, "history_chunk_schema", "history chunk tables", MIGRATIONS);
