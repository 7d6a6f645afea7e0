/* The prepared statements of the SQLite history engine (./sqlite.ts), typed. */
import type { Database, Statement } from "better-sqlite3";
import type { Tier } from "./types";

export interface RawRow {
  t: number;
  v: number | string;
  k: number | null;
  q: string | null;
}

export interface BucketRow {
  t: number;
  n: number;
  sum: number;
  min: number;
  max: number;
  numeric: number;
  first_t: number;
  first_v: number | string;
  first_k: number | null;
  last_t: number;
  last_v: number | string;
  last_k: number | null;
}

export type BucketParams = [
  series: number,
  t: number,
  n: number,
  sum: number,
  min: number,
  max: number,
  numeric: number,
  firstT: number,
  firstV: number | string,
  firstK: number | null,
  lastT: number,
  lastV: number | string,
  lastK: number | null,
];

export const ROLLUPS = ["1m", "1h"] as const;
export const TIERS = ["raw", ...ROLLUPS] as const;
const TABLE: Readonly<Record<Tier, string>> = { raw: "history_raw", "1m": "history_1m", "1h": "history_1h" };

interface RollupStatements {
  get: Statement<[number, number], BucketRow>;
  put: Statement<BucketParams>;
  range: Statement<[number, number, number, number], BucketRow>;
}

export function prepareHistory(db: Database) {
  const rollup = (tier: "1m" | "1h"): RollupStatements => ({
    get: db.prepare(`SELECT * FROM ${TABLE[tier]} WHERE series = ? AND t = ?`),
    put: db.prepare(
      `INSERT OR REPLACE INTO ${TABLE[tier]} (series, t, n, sum, min, max, numeric,
         first_t, first_v, first_k, last_t, last_v, last_k) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    range: db.prepare(
      `SELECT * FROM ${TABLE[tier]} WHERE series = ? AND t >= ? AND t < ? ORDER BY t LIMIT ?`,
    ),
  });
  const perTier = <P extends unknown[]>(sql: (table: string) => string) =>
    Object.fromEntries(TIERS.map((tier) => [tier, db.prepare<P>(sql(TABLE[tier]))])) as Record<
      Tier,
      Statement<P>
    >;
  return {
    series: db.prepare<[string, string], { id: number }>(
      "SELECT id FROM history_series WHERE device = ? AND channel = ?",
    ),
    addSeries: db.prepare<[string, string]>("INSERT INTO history_series (device, channel) VALUES (?, ?)"),
    channels: db.prepare<[string], { channel: string }>(
      "SELECT channel FROM history_series WHERE device = ? ORDER BY channel",
    ),
    seriesOf: db.prepare<[string], { id: number }>("SELECT id FROM history_series WHERE device = ?"),
    seriesAfter: db.prepare<[number], { id: number; device: string }>(
      "SELECT id, device FROM history_series WHERE id > ? ORDER BY id",
    ),
    dropSeries: db.prepare<[number]>("DELETE FROM history_series WHERE id = ?"),
    getRaw: db.prepare<[number, number], RawRow>(
      "SELECT t, v, k, q FROM history_raw WHERE series = ? AND t = ?",
    ),
    putRaw: db.prepare<[number, number, number | string, number | null, string | null]>(
      "INSERT OR REPLACE INTO history_raw (series, t, v, k, q) VALUES (?, ?, ?, ?, ?)",
    ),
    rawRange: db.prepare<[number, number, number, number], RawRow>(
      "SELECT t, v, k, q FROM history_raw WHERE series = ? AND t >= ? AND t < ? ORDER BY t LIMIT ?",
    ),
    rollup: { "1m": rollup("1m"), "1h": rollup("1h") },
    /** Deletes a series' oldest rows before a time, at most a number of them. */
    prune: perTier<[number, number, number]>(
      (table) => `DELETE FROM ${table} WHERE (series, t) IN
        (SELECT series, t FROM ${table} WHERE series = ? AND t < ? ORDER BY t LIMIT ?)`,
    ),
    forget: perTier<[number]>((table) => `DELETE FROM ${table} WHERE series = ?`),
  };
}
