/* The hub's retention loop (hub/history/wiring.ts) keeps up with ingest: a step that finds a full
 * batch is followed at once by the next one, not a whole interval later, and a step finds a full
 * batch while there is that much to do (hub/history/sqlite-chunks.ts roundRobin). */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_RETENTION, HOUR } from "../../../hub/history/types";
import { createHubHistory, type HubHistory } from "../../../hub/history/wiring";
import { silentLogger } from "../../../shared/log";

const NOW = Date.UTC(2026, 11, 2, 12);

describe("history retention loop", () => {
  let db: Database.Database | undefined;
  let hub: HubHistory | undefined;
  afterEach(() => {
    hub?.stop();
    db?.close();
  });

  it("seals a backlog far larger than one batch without waiting an interval between steps", async () => {
    db = new Database(":memory:");
    hub = createHubHistory({
      database: db,
      store: { listNodes: async () => [], getItems: async () => ({ items: [] }) as never },
      // One step a day, 500 readings a step: without back-to-back steps this takes 9 days.
      config: { retention: DEFAULT_RETENTION, pruneIntervalMs: 24 * HOUR, pruneBatch: 500 },
      maxReplyBytes: 65536,
      now: () => NOW,
      log: silentLogger(),
    });
    // Readings a minute apart, all in windows old enough to be sealed: 3 windows of channel a, 1
    // of b. The first step fills its batch inside a; the next must resume there, not skip to b
    // and then stop short at the end of the series as if there were nothing more to do.
    const minutes = (c: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ c, t: NOW - 2 * 24 * HOUR + i * 60_000, v: i }));
    hub.history.add("d1", [...minutes("a", 1080), ...minutes("b", 360)], NOW);
    const head = () => db?.prepare("SELECT coalesce(sum(n), 0) FROM history_chunk_frag").pluck().get();
    expect(head()).toBe(1440);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    try {
      await hub.start();
      await vi.advanceTimersByTimeAsync(24 * HOUR); // the first step
      await vi.advanceTimersByTimeAsync(1000); // the others, back to back
      expect(head()).toBe(0);
      expect(db.prepare("SELECT sum(n) FROM history_chunk").pluck().get()).toBe(1440);
      expect(vi.getTimerCount()).toBe(1); // caught up: the next step an interval away
    } finally {
      vi.useRealTimers();
    }
  });
});
