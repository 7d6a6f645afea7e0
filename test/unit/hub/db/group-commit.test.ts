import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGroupCommitter } from "../../../../hub/db/group-commit";

describe("group commit", () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(":memory:");
    db.exec("CREATE TABLE t (k TEXT PRIMARY KEY)");
  });
  afterEach(() => db.close());
  const keys = () =>
    db
      .prepare<[], { k: string }>("SELECT k FROM t ORDER BY k")
      .all()
      .map((r) => r.k);

  it("commits writes of one window in a single transaction and resolves after the commit", async () => {
    const gc = createGroupCommitter(db);
    const insert = db.prepare("INSERT INTO t (k) VALUES (?)");
    const pending = ["a", "b", "c"].map((k) => gc.run(() => insert.run(k).changes));
    expect(db.inTransaction).toBe(true);
    expect(await Promise.all(pending)).toEqual([1, 1, 1]);
    expect(db.inTransaction).toBe(false);
    expect(gc.commits).toBe(1);
    expect(keys()).toEqual(["a", "b", "c"]);
  });

  it("undoes only the failing write of a group", async () => {
    const gc = createGroupCommitter(db);
    const insert = db.prepare("INSERT INTO t (k) VALUES (?)");
    const ok = gc.run(() => insert.run("a"));
    const bad = gc.run(() => {
      insert.run("b");
      insert.run("a"); // primary key violation: "b" must be undone too
    });
    const ok2 = gc.run(() => insert.run("c"));
    await expect(bad).rejects.toThrow(/UNIQUE/);
    await Promise.all([ok, ok2]);
    expect(keys()).toEqual(["a", "c"]);
  });

  it("rejects every waiter and reports a rollback when the commit fails", async () => {
    let rolledBack = 0;
    const gc = createGroupCommitter(db, { onRollback: () => rolledBack++ });
    db.exec(
      "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)",
    );
    db.pragma("foreign_keys = ON");
    const w = gc.run(() => db.prepare("INSERT INTO c (p) VALUES (42)").run());
    await expect(w).rejects.toThrow(/FOREIGN KEY/);
    expect(rolledBack).toBe(1);
    expect(db.inTransaction).toBe(false);
  });

  it("waits for the configured window before committing", async () => {
    // A window far longer than the test: the group stays open across event-loop turns until
    // flush() (or the window) closes it.
    const gc = createGroupCommitter(db, { windowMs: 60_000 });
    const insert = db.prepare("INSERT INTO t (k) VALUES (?)");
    const first = gc.run(() => insert.run("a"));
    await new Promise((r) => setImmediate(r));
    const second = gc.run(() => insert.run("b"));
    await new Promise((r) => setImmediate(r));
    expect(gc.commits).toBe(0);
    gc.flush();
    await Promise.all([first, second]);
    expect(gc.commits).toBe(1);
    expect(keys()).toEqual(["a", "b"]);
  });

  it("lets readers wait until no group is open, so they never see uncommitted writes", async () => {
    const gc = createGroupCommitter(db, { windowMs: 60_000 });
    await gc.idle(); // nothing open: resolves at once
    const insert = db.prepare("INSERT INTO t (k) VALUES (?)");
    const write = gc.run(() => insert.run("a"));
    let read: string[] | undefined;
    const reader = gc.idle().then(() => {
      read = keys();
    });
    await new Promise((r) => setImmediate(r));
    expect(read).toBeUndefined();
    gc.flush();
    await Promise.all([write, reader]);
    expect(read).toEqual(["a"]);
    expect(db.inTransaction).toBe(false);
  });
});
