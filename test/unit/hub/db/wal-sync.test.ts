/* The WAL flushed off the event loop (hub/db/wal-sync.ts) and group commit waiting for it
 * (hub/db/group-commit.ts), on real SQLite files; the flush is wrapped only to count and hold it. */
import { fdatasync, fstatSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isStoreError } from "../../../../hub/db/errors";
import { createGroupCommitter } from "../../../../hub/db/group-commit";
import { createWalSync } from "../../../../hub/db/wal-sync";

type Done = (error: NodeJS.ErrnoException | null) => void;

describe("WAL sync", () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xiot-wal-sync-"));
    db = new Database(join(dir, "s.sqlite"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("CREATE TABLE t (k TEXT PRIMARY KEY)");
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const insert = (k: string) => db.prepare("INSERT INTO t (k) VALUES (?)").run(k);
  const keys = () => db.prepare("SELECT k FROM t ORDER BY k").pluck().all();

  it("switches the connection to NORMAL and flushes the WAL file itself", async () => {
    const flushed: number[] = [];
    const ws = createWalSync(db, {
      fdatasync: (fd, done) => {
        flushed.push(fstatSync(fd).ino);
        fdatasync(fd, done);
      },
    });
    expect(db.pragma("synchronous", { simple: true })).toBe(1);
    insert("a");
    await ws.sync();
    expect(flushed).toEqual([statSync(`${db.name}-wal`).ino]);
    await ws.close();
  });

  it("runs one flush at a time, and commits made during it share the next one", async () => {
    const held: Done[] = [];
    const ws = createWalSync(db, { fdatasync: (_fd, done) => held.push(done) });
    const order: string[] = [];
    insert("a");
    const first = ws.sync().then(() => order.push("first"));
    insert("b");
    const second = ws.sync().then(() => order.push("second"));
    insert("c");
    const third = ws.sync().then(() => order.push("third"));
    await new Promise((r) => setImmediate(r));
    expect(held).toHaveLength(1); // the second flush waits for the first
    held[0]?.(null);
    await first;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["first"]); // b and c were committed after the first flush began
    expect(held).toHaveLength(2);
    held[1]?.(null);
    await Promise.all([second, third]);
    expect(order).toEqual(["first", "second", "third"]);
    expect(held).toHaveLength(2);
    await ws.close();
  });

  it("follows the WAL file when SQLite replaced it", async () => {
    const flushed: number[] = [];
    const ws = createWalSync(db, {
      fdatasync: (fd, done) => {
        flushed.push(fstatSync(fd).ino);
        fdatasync(fd, done);
      },
    });
    insert("a");
    await ws.sync();
    // Leaving WAL mode checkpoints and deletes the WAL; coming back creates a new file.
    db.pragma("journal_mode = DELETE");
    db.pragma("journal_mode = WAL");
    insert("b");
    await ws.sync();
    expect(flushed).toHaveLength(2);
    expect(flushed[1]).toBe(statSync(`${db.name}-wal`).ino);
    await ws.close();
  });

  it("has nothing to do for an in-memory database, whose setting it leaves alone", async () => {
    const mem = new Database(":memory:");
    mem.pragma("synchronous = FULL");
    const ws = createWalSync(mem);
    await ws.sync();
    expect(mem.pragma("synchronous", { simple: true })).toBe(2);
    mem.close();
  });

  it("makes group commit resolve only after the flush, and reject when the flush fails", async () => {
    const held: Done[] = [];
    const ws = createWalSync(db, { fdatasync: (_fd, done) => held.push(done) });
    const gc = createGroupCommitter(db, { sync: ws.sync });
    let stored = false;
    const write = gc
      .run(() => insert("a"))
      .then(() => {
        stored = true;
      });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(gc.commits).toBe(1);
    expect(stored).toBe(false); // committed, not yet on disk
    held[0]?.(null);
    await write;
    expect(stored).toBe(true);

    const full = gc.run(() => insert("b"));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    held[1]?.(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
    const error = await full.catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("storage-full");
    expect(String(error)).toMatch(/not flushed to disk, retry later/);
    expect(keys()).toEqual(["a", "b"]); // committed: a retry of the same item replaces it
    await ws.close();
  });
});
