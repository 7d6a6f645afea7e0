import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openSqliteHistory } from "../../hub/history/sqlite";
import { DEFAULT_RETENTION, type Retention } from "../../hub/history/types";
import { historyStoreContract } from "./history-store.contract";

let dir: string | undefined;
let db: Database.Database | undefined;
let retention: Retention | undefined;

historyStoreContract("sqlite", {
  async open(r) {
    dir = await mkdtemp(join(tmpdir(), "xiot-history-"));
    retention = r;
    db = new Database(join(dir, "pubsub.db"));
    db.pragma("journal_mode = WAL"); // as the hub opens its store file (hub/db/open.ts)
    return openSqliteHistory(db, r);
  },
  async reopen() {
    db?.close();
    db = new Database(join(dir as string, "pubsub.db"));
    return openSqliteHistory(db, retention as Retention);
  },
  async cleanup() {
    db?.close();
    db = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  },
});

describe("SQLite history inside the caller's transaction", () => {
  it("commits with the caller and is undone with the caller", () => {
    const conn = new Database(":memory:");
    const history = openSqliteHistory(conn, DEFAULT_RETENTION);
    const t = Date.UTC(2026, 10, 1);
    conn.exec("BEGIN");
    history.add("d1", [{ c: "t", t, v: 1 }], t);
    conn.exec("ROLLBACK");
    const q = { device: "d1", channel: "t", from: 0, to: t + 1, limit: 10 } as const;
    expect(history.query({ ...q, tier: "raw" })).toEqual({ tier: "raw", points: [], more: false });
    expect(history.query({ ...q, tier: "1h" })).toEqual({ tier: "1h", buckets: [], more: false });
    expect(history.channels("d1")).toEqual([]);
    conn.exec("BEGIN");
    history.add("d1", [{ c: "t", t, v: 2 }], t);
    conn.exec("COMMIT");
    expect(history.query({ ...q, tier: "raw" })).toEqual({ tier: "raw", points: [{ t, v: 2 }], more: false });
    conn.close();
  });

  it("refuses history tables from a newer hub", () => {
    const conn = new Database(":memory:");
    openSqliteHistory(conn, DEFAULT_RETENTION);
    conn.exec("UPDATE history_schema SET version = 99");
    expect(() => openSqliteHistory(conn, DEFAULT_RETENTION)).toThrow(
      /schema version 99, newer than this hub/,
    );
    conn.close();
  });
});
