/* The hub's retention loop (hub/history/wiring.ts) keeps up with ingest: a step that finds a full
 * batch is followed at once by the next one, not a whole interval later. */
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
      // One step a day, 50 readings a step: without back-to-back steps this takes 400 days.
      config: { retention: DEFAULT_RETENTION, pruneIntervalMs: 24 * HOUR, pruneBatch: 50 },
      maxReplyBytes: 65536,
      now: () => NOW,
      log: silentLogger(),
    });
    // Two days of readings a minute apart, all in windows old enough to be sealed.
    const readings = Array.from({ length: 2880 }, (_, i) => ({
      c: "t",
      t: NOW - 3 * 24 * HOUR + i * 60_000,
      v: i,
    }));
    hub.history.add("d1", readings, NOW);
    const head = () => db?.prepare("SELECT count(*) FROM history_chunk_head").pluck().get();
    expect(head()).toBe(2880);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    try {
      await hub.start();
      await vi.advanceTimersByTimeAsync(24 * HOUR); // the first step
      await vi.advanceTimersByTimeAsync(1000); // the others, back to back
      expect(head()).toBe(0);
      expect(db.prepare("SELECT sum(n) FROM history_chunk").pluck().get()).toBe(2880);
      expect(vi.getTimerCount()).toBe(1); // caught up: the next step an interval away
    } finally {
      vi.useRealTimers();
    }
  });
});
