/* Telemetry history: every accepted reading, kept as time series per (device, channel) in three
 * tiers, each with its own retention.
 *
 * - `raw`: every reading, exactly once per (device, channel, time); a reading sent again with the
 *   same time and value (an outbox drained twice) changes nothing, one with a new value replaces
 *   the old one and its buckets are recomputed.
 * - `1m` and `1h`: rollups computed at ingest. Numbers keep count, min, max, sum (mean = sum /
 *   count), first and last; booleans and strings keep count, first and last. Readings that come
 *   late or out of order (an outbox drained after days) land in their own buckets, which are
 *   merged, so a rollup always agrees with the raw readings it covers.
 *
 * A reading older than the raw tier's retention when it arrives is not added (it would be pruned
 * at once, and its rollups could then no longer be checked against raw data); `add` says how many
 * it skipped. Retention is enforced by `prune`, in bounded steps, so it never stalls a publish.
 * References: docs/design.md §6 ("The hub owns telemetry"). */
import type { Reading, ReadingValue } from "../../shared/model";

export type Tier = "raw" | "1m" | "1h";
export type Resolution = Tier | "auto";

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Bucket width of each rollup tier, in ms. */
export const BUCKET_MS: Readonly<Record<Exclude<Tier, "raw">, number>> = { "1m": MINUTE, "1h": HOUR };

/** How long each tier keeps data, in ms; Infinity keeps it forever. */
export interface Retention {
  raw: number;
  "1m": number;
  "1h": number;
}

/** The hub's retention, and the devices that have their own (`history.devices.<id>.retention`,
 * each tier it leaves out taken from the hub's). */
export interface RetentionPolicy extends Retention {
  devices?: Readonly<Record<string, Retention>>;
}

/** The retention that applies to `device`'s series. */
export const retentionOf = (policy: RetentionPolicy, device: string): Retention =>
  policy.devices?.[device] ?? policy;

export const DEFAULT_RETENTION: Readonly<Retention> = {
  raw: 30 * DAY,
  "1m": 365 * DAY,
  "1h": Number.POSITIVE_INFINITY,
};

/** Most points or buckets in one page of a history answer, whatever the client asks. */
export const DEFAULT_HISTORY_PAGE = 2000;

/** One raw reading as history returns it. */
export interface RawPoint {
  t: number;
  v: ReadingValue;
  q?: Reading["q"];
}

/** One rollup bucket; `t` is the bucket's start. min, max and mean only for numbers. */
export interface Bucket {
  t: number;
  n: number;
  first: ReadingValue;
  last: ReadingValue;
  min?: number;
  max?: number;
  mean?: number;
}

export interface HistoryQuery {
  device: string;
  channel: string;
  /** Inclusive start, ms since the epoch. */
  from: number;
  /** Exclusive end. */
  to: number;
  tier: Tier;
  /** Most points or buckets in one page. */
  limit: number;
  /** Paging (XEP-0059): only points or buckets after this time. */
  after?: number;
}

export type HistoryPage =
  | { tier: "raw"; points: RawPoint[]; more: boolean }
  | { tier: "1m" | "1h"; buckets: Bucket[]; more: boolean };

export interface AddResult {
  /** Readings stored for the first time or with a new value. */
  added: number;
  /** Readings already in history with the same value. */
  duplicates: number;
  /** Readings older than the raw tier keeps, not added. */
  tooOld: number;
}

/**
 * Every history engine implements this (the memory and SQLite stores; test/contract/history-
 * store.contract.ts). `add` is synchronous so that an engine on the item store's connection runs
 * it inside the same transaction as the item: acknowledged means in history.
 */
export interface HistoryStore {
  add(device: string, readings: readonly Reading[], now: number): AddResult;
  query(q: HistoryQuery): HistoryPage;
  /** The channels with history for a device, sorted. */
  channels(device: string): string[];
  /** Deletes what is past its tier's retention, at most `limit` rows; returns how many. A raw
   * reading goes when its time is past; a bucket when all of it is past. */
  prune(now: number, limit: number): number;
  /** Forgets a device's history (a device removed from the hub). */
  forget(device: string): void;
}

/** Refuses a retention under which rollups could outlive nothing to check them against. */
export function checkRetention(r: Retention): string | undefined {
  for (const [tier, ms] of Object.entries(r))
    if (!(ms > 0)) return `history.retention.${tier} must be a positive duration`;
  if (r["1m"] < r.raw) return "history.retention.1m must be at least history.retention.raw";
  if (r["1h"] < r["1m"]) return "history.retention.1h must be at least history.retention.1m";
  return undefined;
}

/** The tier `auto` picks for a time range: raw up to 6 h, 1-minute up to 14 days, else 1-hour. */
export function autoTier(from: number, to: number): Tier {
  const span = to - from;
  if (span <= 6 * HOUR) return "raw";
  if (span <= 14 * DAY) return "1m";
  return "1h";
}
