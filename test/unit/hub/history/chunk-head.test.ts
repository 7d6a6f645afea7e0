import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openChunkedHistory } from "../../../../hub/history/sqlite-chunks";
import { DEFAULT_RETENTION, HOUR } from "../../../../hub/history/types";

const T0 = Date.UTC(2026, 10, 1);
const NOW = T0 + 2 * HOUR;
const minutes = (c: string, from: number, n: number, v = (i: number) => 20 + i / 100) =>
  Array.from({ length: n }, (_, i) => ({ c, t: T0 + (from + i) * 60_000, v: v(from + i) }));
const raw = { device: "d", channel: "t", from: T0, to: NOW, tier: "raw" as const, limit: 1000 };

describe("the chunked engine's head of fragments", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("writes one fragment per series window an add touches, and answers from them in time order", () => {
    const db = new Database(":memory:");
    const store = openChunkedHistory(db, DEFAULT_RETENTION);
    const frags = () => db.prepare("SELECT series, n FROM history_chunk_frag ORDER BY id").raw().all();
    expect(store.add("d", [...minutes("t", 0, 30), ...minutes("h", 0, 30)], NOW).added).toBe(60);
    expect(store.add("d", minutes("t", 30, 30), NOW).added).toBe(30);
    expect(frags()).toEqual([
      [1, 30],
      [2, 30],
      [1, 30],
    ]);
    const page = store.query(raw);
    expect(page.tier === "raw" && page.points.map((p) => p.t)).toEqual(minutes("t", 0, 60).map((r) => r.t));
  });

  it("merges readings that reach into fragments: a resend counts as duplicates, a new value replaces", () => {
    const db = new Database(":memory:");
    const store = openChunkedHistory(db, DEFAULT_RETENTION);
    store.add("d", minutes("t", 0, 20), NOW);
    store.add("d", minutes("t", 40, 20), NOW);
    // Overlaps both fragments: 10 resent, 10 new in the gap, 5 changed values.
    const late = [...minutes("t", 15, 30), ...minutes("t", 45, 5, () => 99)];
    expect(store.add("d", late, NOW)).toEqual({ added: 20 + 5, duplicates: 10, tooOld: 0 });
    expect(db.prepare("SELECT count(*), sum(n) FROM history_chunk_frag").raw().get()).toEqual([1, 60]);
    const page = store.query(raw);
    if (page.tier !== "raw") throw new Error("raw page");
    expect(page.points.map((p) => p.t)).toEqual(minutes("t", 0, 60).map((r) => r.t));
    expect(page.points.filter((p) => p.v === 99).map((p) => p.t)).toEqual(
      minutes("t", 45, 5).map((r) => r.t),
    );
  });

  it("moves a head of rows (chunk schema version 2) into fragments at first start", () => {
    dir = mkdtempSync(join(tmpdir(), "xiot-chunk-head-"));
    const file = join(dir, "pubsub.db");
    let db = new Database(file);
    let store = openChunkedHistory(db, DEFAULT_RETENTION);
    const readings = [
      ...minutes("t", 0, 90),
      { c: "t", t: T0 + 90 * 60_000, v: true, q: "estimate" as const },
      ...minutes("h", 0, 10),
    ];
    store.add("d", readings, NOW);
    const want = store.query(raw);
    const hourly = store.query({ ...raw, tier: "1h" });
    // The head as version 2 kept it: a row per reading.
    db.exec(`CREATE TABLE history_chunk_head (series INTEGER NOT NULL, t INTEGER NOT NULL, v NOT NULL,
        k INTEGER, q TEXT, PRIMARY KEY (series, t)) WITHOUT ROWID;`);
    const put = db.prepare("INSERT INTO history_chunk_head VALUES (?, ?, ?, ?, ?)");
    for (const r of readings) {
      const bool = typeof r.v === "boolean";
      put.run(r.c === "t" ? 1 : 2, r.t, bool ? Number(r.v) : r.v, bool ? 1 : null, "q" in r ? r.q : null);
    }
    db.exec("DROP TABLE history_chunk_frag; UPDATE history_chunk_schema SET version = 2");
    db.close();

    db = new Database(file);
    store = openChunkedHistory(db, DEFAULT_RETENTION);
    expect(
      db.prepare("SELECT name FROM sqlite_schema WHERE name = 'history_chunk_head'").get(),
    ).toBeUndefined();
    expect(db.prepare("SELECT series, n FROM history_chunk_frag ORDER BY series").raw().all()).toEqual([
      [1, 91],
      [2, 10],
    ]);
    expect(store.query(raw)).toEqual(want);
    expect(store.query({ ...raw, tier: "1h" })).toEqual(hourly);
    expect(store.seal(T0 + 8 * HOUR, Number.POSITIVE_INFINITY)).toBe(101);
    expect(store.query(raw)).toEqual(want);
    db.close();
  });
});
