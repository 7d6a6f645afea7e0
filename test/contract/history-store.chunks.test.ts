import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
  type ChunkHistoryStore,
  type ChunkOptions,
  openChunkedHistory,
} from "../../hub/history/sqlite-chunks";
import { DEFAULT_RETENTION, type HistoryStore, HOUR, type Retention } from "../../hub/history/types";
import { historyStoreContract } from "./history-store.contract";

/** A factory for the chunked engine; `eager` seals every window it can after each add, so that
 * every case of the contract also runs against sealed windows and late readings into them. */
function chunkFactory(options: ChunkOptions, eager: boolean) {
  let dir: string | undefined;
  let db: Database.Database | undefined;
  let retention: Retention | undefined;
  const wrap = (store: ChunkHistoryStore): HistoryStore =>
    eager
      ? {
          ...store,
          add(device, readings, now) {
            const res = store.add(device, readings, now);
            store.seal(now, Number.POSITIVE_INFINITY);
            return res;
          },
        }
      : store;
  const open = () => {
    db = new Database(join(dir as string, "pubsub.db"));
    db.pragma("journal_mode = WAL"); // as the hub opens its store file (hub/db/open.ts)
    return wrap(openChunkedHistory(db, retention as Retention, options));
  };
  return {
    async open(r: Retention) {
      dir = await mkdtemp(join(tmpdir(), "xiot-history-chunks-"));
      retention = r;
      return open();
    },
    async reopen() {
      db?.close();
      return open();
    },
    async cleanup() {
      db?.close();
      db = undefined;
      if (dir) await rm(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}

historyStoreContract("sqlite chunks", chunkFactory({}, false));
historyStoreContract(
  "sqlite chunks, sealed at once (1 h windows)",
  chunkFactory({ windowMs: HOUR, sealLagMs: 0 }, true),
);
historyStoreContract("sqlite chunks, sealed at once (6 h windows)", chunkFactory({ sealLagMs: 0 }, true));

describe("chunked SQLite history", () => {
  const t0 = Date.UTC(2026, 10, 1);
  const q = { device: "d1", channel: "t", from: 0, to: t0 + 10 * HOUR, limit: 1000 } as const;

  it("seals windows into chunks and keeps no rows for them", () => {
    const conn = new Database(":memory:");
    const history = openChunkedHistory(conn, DEFAULT_RETENTION, { windowMs: HOUR, sealLagMs: 0 });
    const readings = Array.from({ length: 120 }, (_, i) => ({ c: "t", t: t0 + i * 60_000, v: 20 + i / 100 }));
    history.add("d1", readings, t0 + 3 * HOUR);
    expect(history.seal(t0 + 3 * HOUR, Number.POSITIVE_INFINITY)).toBe(120);
    const count = (table: string) =>
      (conn.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const tables = ["history_chunk_frag", "history_chunk_1m", "history_chunk_1h", "history_chunk"];
    expect(tables.map(count)).toEqual([0, 0, 0, 2]);
    const page = history.query({ ...q, tier: "raw" });
    expect(page.tier === "raw" && page.points.map((p) => p.v)).toEqual(readings.map((r) => r.v));
    const hours = history.query({ ...q, tier: "1h" });
    expect(hours.tier !== "raw" && hours.buckets.map((b) => [b.n, b.min, b.max])).toEqual([
      [60, 20, 20.59],
      [60, 20.6, 21.19],
    ]);
    // A duplicate changes nothing; a new value lands in its chunk, which stays sealed.
    expect(history.add("d1", [readings[5] as (typeof readings)[number]], t0 + 3 * HOUR).duplicates).toBe(1);
    expect(count("history_chunk")).toBe(2);
    expect(history.add("d1", [{ c: "t", t: t0 + 5 * 60_000, v: 99 }], t0 + 3 * HOUR).added).toBe(1);
    expect(tables.map(count)).toEqual([0, 0, 0, 2]);
    const after = history.query({ ...q, tier: "1h" });
    expect(after.tier !== "raw" && after.buckets[0]?.max).toBe(99);
    conn.close();
  });

  it("writes a window's buckets out before retention trims it, and keeps them up to date", () => {
    const conn = new Database(":memory:");
    const retention = { raw: 2 * HOUR, "1m": 10 * HOUR, "1h": 100 * HOUR };
    const history = openChunkedHistory(conn, retention, { windowMs: HOUR, sealLagMs: 0 });
    const readings = Array.from({ length: 60 }, (_, i) => ({ c: "t", t: t0 + i * 60_000, v: i }));
    history.add("d1", readings, t0 + HOUR);
    let now = t0 + 2 * HOUR + 30 * 60_000; // retention has reached the middle of the window
    while (history.prune(now, 1000) > 0);
    const page = history.query({ ...q, tier: "raw" });
    expect(page.tier === "raw" && page.points.map((p) => p.v)).toEqual(readings.slice(30).map((r) => r.v));
    const hour = () => {
      const h = history.query({ ...q, tier: "1h" });
      return h.tier !== "raw" && h.buckets.map((b) => [b.n, b.min, b.max, b.last]);
    };
    expect(hour()).toEqual([[60, 0, 59, 59]]);
    // A late reading and a replaced value, inside retention, update the written-out buckets.
    expect(history.add("d1", [{ c: "t", t: t0 + 59 * 60_000 + 1, v: 100 }], now).added).toBe(1);
    expect(hour()).toEqual([[61, 0, 100, 100]]);
    expect(history.add("d1", [{ c: "t", t: t0 + 40 * 60_000, v: -5 }], now).added).toBe(1);
    expect(hour()).toEqual([[61, -5, 100, 100]]);
    now += 98 * HOUR;
    while (history.prune(now, 1000) > 0);
    expect(history.query({ ...q, tier: "raw" })).toEqual({ tier: "raw", points: [], more: false });
    expect(history.query({ ...q, tier: "1m" })).toEqual({ tier: "1m", buckets: [], more: false });
    expect(hour()).toEqual([[61, -5, 100, 100]]);
    conn.close();
  });
});
