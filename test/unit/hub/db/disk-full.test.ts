/* Group commit on a full disk: a disk-full failure rejects with the `storage-full` StoreError,
 * nothing half-written is ever reported stored, and writes succeed again once space returns.
 * References: hub/db/group-commit.ts, hub/db/errors.ts, https://sqlite.org/lang_transaction.html
 * ("Response To Errors Within A Transaction"), https://sqlite.org/pragma.html#pragma_max_page_count. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isDiskFull, StoreError, toStoreError } from "../../../../hub/db/errors";
import { createGroupCommitter } from "../../../../hub/db/group-commit";

const sqliteError = (code: string): Error => Object.assign(new Error(`simulated ${code}`), { code });
const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe("group commit on a full disk", () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xiot-gc-full-"));
    db = new Database(join(dir, "t.sqlite"));
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)");
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const keys = () =>
    db
      .prepare<[], { k: string }>("SELECT k FROM t ORDER BY k")
      .all()
      .map((r) => r.k);

  it("classifies SQLITE_FULL, ENOSPC and I/O errors on a full disk, and nothing else", () => {
    expect(isDiskFull(sqliteError("SQLITE_FULL"))).toBe(true);
    expect(isDiskFull(sqliteError("ENOSPC"))).toBe(true);
    expect(isDiskFull(sqliteError("SQLITE_CONSTRAINT_UNIQUE"))).toBe(false);
    // An I/O error where there is plenty of room is not a full disk.
    expect(isDiskFull(sqliteError("SQLITE_IOERR_WRITE"), join(dir, "t.sqlite"))).toBe(false);
    const full = toStoreError(sqliteError("SQLITE_FULL"), "/x/hub.sqlite");
    expect(full).toBeInstanceOf(StoreError);
    expect(full).toMatchObject({ code: "storage-full" });
  });

  it("rejects a write that hits SQLITE_FULL with storage-full and accepts writes when space returns", async () => {
    const gc = createGroupCommitter(db);
    const insert = db.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    await gc.run(() => insert.run("a", Buffer.alloc(10)));
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`); // the disk is full: no page more
    const full = gc.run(() => insert.run("b", Buffer.alloc(64 * 1024)));
    await expect(full).rejects.toMatchObject({ name: "StoreError", code: "storage-full" });
    expect(db.inTransaction).toBe(false);
    db.pragma("max_page_count = 1073741823"); // space returns
    await gc.run(() => insert.run("c", Buffer.alloc(64 * 1024)));
    expect(keys()).toEqual(["a", "c"]);
  });

  it("fails the whole group when SQLite rolled its transaction back, and reports stored only what is", async () => {
    let rollbacks = 0;
    const gc = createGroupCommitter(db, { onRollback: () => rollbacks++ });
    const insert = db.prepare("INSERT INTO t (k) VALUES (?)");
    const first = settle(gc.run(() => insert.run("a")));
    // What SQLite does on SQLITE_FULL/IOERR in the middle of a write: it drops the transaction.
    const broken = settle(
      gc.run(() => {
        insert.run("b");
        db.exec("ROLLBACK");
        throw sqliteError("SQLITE_FULL");
      }),
    );
    const after = settle(gc.run(() => insert.run("c")));
    const outcomes = { a: await first, b: await broken, c: await after };
    expect(outcomes.a.ok).toBe(false); // its write went with the transaction: never "stored"
    expect(outcomes.b).toMatchObject({ ok: false, error: { code: "storage-full" } });
    expect(rollbacks).toBeGreaterThan(0);
    // Every write reported stored is stored, and no write reported failed is.
    const stored = keys();
    for (const [k, o] of Object.entries(outcomes))
      expect({ k, stored: stored.includes(k) }).toEqual({ k, stored: o.ok });
    expect(db.inTransaction).toBe(false);
    await gc.run(() => insert.run("d"));
    expect(keys()).toContain("d");
  });

  it("rejects every waiter of a group whose COMMIT fails for lack of space, with nothing written", async () => {
    const gc = createGroupCommitter(db, { windowMs: 60_000 });
    const insert = db.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const writes = ["a", "b", "c"].map((k) => settle(gc.run(() => insert.run(k, Buffer.alloc(100)))));
    // The COMMIT is what runs out of room.
    const realExec = db.exec.bind(db);
    db.exec = ((sql: string) => {
      if (sql === "COMMIT") throw sqliteError("SQLITE_FULL");
      return realExec(sql);
    }) as typeof db.exec;
    gc.flush();
    db.exec = realExec;
    for (const w of await Promise.all(writes))
      expect(w).toMatchObject({ ok: false, error: { code: "storage-full" } });
    expect(keys()).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it("never throws from run(): a failing BEGIN is a rejection", async () => {
    const gc = createGroupCommitter(db);
    const other = new Database(join(dir, "t.sqlite"));
    other.pragma("busy_timeout = 0");
    db.pragma("busy_timeout = 0");
    other.exec("BEGIN IMMEDIATE");
    let result: Promise<unknown> | undefined;
    expect(() => {
      result = gc.run(() => 1);
    }).not.toThrow();
    await expect(result).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    other.exec("ROLLBACK");
    other.close();
    expect(await gc.run(() => 2)).toBe(2);
  });
});
