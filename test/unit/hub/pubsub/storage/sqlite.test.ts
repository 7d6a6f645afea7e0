import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../../../hub/pubsub/storage/sqlite";
import { SCHEMA_VERSION, SchemaVersionError } from "../../../../../hub/pubsub/storage/sqlite-schema";

describe("sqlite pubsub store", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "xiot-sqlite-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("sets up WAL, FULL sync and the schema version", async () => {
    const path = join(dir, "p.db");
    const store = openSqliteStore({ path });
    await store.close();
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("refuses a database written by a newer schema", () => {
    const path = join(dir, "p.db");
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openSqliteStore({ path })).toThrow(SchemaVersionError);
  });

  it("group-commits concurrent publishes into few transactions", async () => {
    const store = openSqliteStore({ path: join(dir, "p.db") });
    const config = { maxItems: 1000 } as never;
    await store.createNode({ id: "n", config, creator: "a@b", created: 0 }, "a@b");
    const before = store.commits;
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.putItem(
          "n",
          { id: `${i}`, payload: "<x/>", publisher: "a@b/r", published: i },
          { maxItems: 1000 },
        ),
      ),
    );
    expect(store.commits - before).toBe(1);
    await store.close();
  });

  it("shows readers an item only once its publish has committed", async () => {
    const store = openSqliteStore({ path: join(dir, "r.db") });
    const config = { maxItems: 1000 } as never;
    await store.createNode({ id: "n", config, creator: "a@b", created: 0 }, "a@b");
    const before = store.commits;
    const item = { id: "1", payload: "<x/>", publisher: "a@b/r", published: 1 };
    const put = store.putItem("n", item, { maxItems: 1000 });
    // Asked while the publish's transaction is still open: answered only after its COMMIT.
    const seen = await store.getItems("n", { limit: 10 });
    expect(store.commits).toBe(before + 1);
    expect(seen.items.map((i) => i.id)).toEqual(["1"]);
    await put;
    await store.close();
  });
});
