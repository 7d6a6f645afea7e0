/* xiot's history engines, fed in-process ("engine" in the report): each batch is one `add` on a
 * WAL + synchronous=FULL connection, one transaction and so one fsync per batch, as under the
 * hub's group commit. `prune` runs every simulated hour with a bound, as the hub would run it
 * (for the chunked engine that is also when windows are sealed), inside the timed ingest.
 * Compaction: the chunked engine seals every window still in its head; then both checkpoint the
 * WAL, VACUUM and checkpoint again. Retention: the hub's default, raw at least the data's span.
 * Bytes: the file and its WAL, as allocated on disk. The hub itself is ./hub.ts. */
import { statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteHistory } from "../../hub/history/sqlite";
import { openChunkedHistory } from "../../hub/history/sqlite-chunks";
import { summarize } from "../../hub/history/summary";
import { DAY, DEFAULT_RETENTION, type HistoryStore, HOUR, type Retention } from "../../hub/history/types";
import type { Batch, SeriesRef } from "./data";
import type { Engine } from "./engine";

export type XiotKind = "rows" | "chunks";
const PRUNE_LIMIT = 100_000;

const size = (path: string): number => {
  try {
    return statSync(path).blocks * 512;
  } catch {
    return 0; // no -wal file: nothing in it
  }
};

/** The hub's default retention, with raw kept a day longer than the data spans, so that every
 * engine holds every reading when it is measured. */
export const benchRetention = (days: number): Retention => ({
  ...DEFAULT_RETENTION,
  raw: Math.max(DEFAULT_RETENTION.raw, (days + 1) * DAY),
});

export function xiotEngine(kind: XiotKind, dir: string, retention: Retention): Engine {
  const file = join(dir, `xiot-${kind}.sqlite`);
  let db: Database.Database | undefined;
  let store: HistoryStore | undefined;
  let seal: ((now: number, limit: number) => number) | undefined;
  let nextPrune = 0;
  let last = 0;
  let batches = 0;

  const buckets = (s: SeriesRef, from: number, to: number) => {
    const page = store?.query({
      device: s.device,
      channel: s.channel,
      from,
      to,
      tier: "1h",
      limit: 1_000_000,
    });
    return page && page.tier !== "raw" ? page.buckets : [];
  };

  return {
    name: `xiot ${kind}`,
    feed: "engine (in-process)",
    async start() {
      db = new Database(file);
      db.pragma("journal_mode = WAL"); // as hub/db/open.ts
      db.pragma("synchronous = FULL");
      if (kind === "rows") store = openSqliteHistory(db, retention);
      else {
        const chunks = openChunkedHistory(db, retention);
        store = chunks;
        seal = chunks.seal;
      }
    },
    prepare(batch: Batch) {
      // In process, the batch is its own wire form.
      return async () => {
        // The engine is synchronous: let the event loop turn now and then (signals, timers).
        if (++batches % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
        const now = (batch.readings.at(-1)?.t ?? 0) + 1000;
        store?.add(batch.device, batch.readings, now);
        last = Math.max(last, now);
        if (now >= nextPrune) {
          store?.prune(now, PRUNE_LIMIT);
          nextPrune = now + HOUR;
        }
      };
    },
    async compact() {
      while ((store?.prune(last, PRUNE_LIMIT) ?? 0) > 0);
      // Seal what is still in the head, as if a day had passed with nothing new.
      while ((seal?.(last + 24 * HOUR, PRUNE_LIMIT) ?? 0) > 0);
      db?.pragma("wal_checkpoint(TRUNCATE)");
      db?.exec("VACUUM");
      db?.pragma("wal_checkpoint(TRUNCATE)");
    },
    bytes: async () => size(file) + size(`${file}-wal`),
    async raw(s, from, to) {
      const page = store?.query({
        device: s.device,
        channel: s.channel,
        from,
        to,
        tier: "raw",
        limit: 1_000_000,
      });
      return page?.tier === "raw" ? page.points.length : 0;
    },
    hourly: async (s, from, to) => buckets(s, from, to).length,
    async max(series, from, to) {
      // The range aggregate the hub answers a `summary` query with (hub/history/summary.ts).
      let max = Number.NEGATIVE_INFINITY;
      for (const s of series) {
        const b = store && summarize(store, { device: s.device, channel: s.channel, from, to, tier: "1h" });
        if ((b?.max ?? max) > max) max = b?.max ?? max;
      }
      return max;
    },
    async stop() {
      db?.close();
      db = undefined;
    },
  };
}
