/* Every SQLite store on a really full disk (a 2 MiB tmpfs): a write rejects with the
 * `storage-full` StoreError (wait/resource-constraint on the wire), a group is all or nothing,
 * and writes are accepted again once space returns, on the same open store.
 * References: hub/db/errors.ts, hub/db/group-commit.ts, RFC 6120 §8.3.3.18. Needs root (mount). */

import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openControlStore } from "../../hub/control/store";
import { openSqliteDeviceStore } from "../../hub/devices/sqlite";
import { BASE_NODE_CONFIG } from "../../hub/pubsub/node-config";
import { openSqliteStore } from "../../hub/pubsub/storage/sqlite";
import { device } from "./device-store.contract";

const FULL = { name: "StoreError", code: "storage-full" };

/** Fills the disk with one file until ENOSPC; returns a function that frees it again. */
function fillDisk(dir: string): () => void {
  const path = join(dir, "filler");
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return () => rmSync(path);
}

const node = (id: string) => ({
  id,
  config: { ...BASE_NODE_CONFIG, maxItems: 1000 },
  creator: "alice@example.org",
  created: 1000,
});
const item = (id: string) => ({
  id,
  payload: `<x xmlns='urn:t'>${"p".repeat(8000)}</x>`,
  publisher: "d@x/a",
  published: 1,
});

describe("SQLite stores on a full disk", () => {
  let dir: string;
  beforeAll(() => {
    if (process.getuid?.() !== 0)
      throw new Error("this test mounts a tmpfs and needs root (CI runs as root)");
    dir = mkdtempSync(join(tmpdir(), "xiot-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir]);
  });
  afterAll(() => {
    if (!dir) return;
    execFileSync("umount", ["-l", dir]); // lazy: a store a failed test left open must not keep it mounted
    rmSync(dir, { recursive: true, force: true });
  });

  it("pubsub: rejects a whole group with storage-full, keeps running, stores again when space returns", async () => {
    const store = openSqliteStore({ path: join(dir, "hub.sqlite"), commitWindowMs: 5 });
    await store.createNode(node("a"), "alice@example.org");
    await store.putItem("a", item("before"), { maxItems: 1000 });
    const free = fillDisk(dir);
    // One group: a node, its affiliation, items. All or nothing.
    const group = await Promise.allSettled([
      store.createNode(node("b"), "alice@example.org"),
      ...Array.from({ length: 20 }, (_, i) => store.putItem("a", item(`full-${i}`), { maxItems: 1000 })),
    ]);
    const failed = group.filter((r) => r.status === "rejected");
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) expect((r as PromiseRejectedResult).reason).toMatchObject(FULL);
    const storedIds = new Set((await store.getItems("a", { limit: 100 })).items.map((i) => i.id));
    for (const [i, r] of group.slice(1).entries()) {
      expect({ i, stored: storedIds.has(`full-${i}`) }).toEqual({ i, stored: r.status === "fulfilled" });
    }
    expect((await store.getNode("b")) !== undefined).toBe(group[0].status === "fulfilled");
    free();
    await store.putItem("a", item("after"), { maxItems: 1000 });
    expect((await store.getItem("a", "after"))?.id).toBe("after");
    await store.close();
    const reopened = openSqliteStore({ path: join(dir, "hub.sqlite"), check: "full" });
    expect((await reopened.getItem("a", "before"))?.id).toBe("before");
    await reopened.close();
  });

  it("pubsub: an owner's batch that fills the disk midway is stored whole or not at all", async () => {
    const store = openSqliteStore({ path: join(dir, "owner.sqlite") });
    await store.createNode(node("o"), "alice@example.org");
    await store.putSubscription({
      node: "o",
      jid: "x@example.org",
      subid: "s",
      state: "subscribed",
      options: {},
    });
    // ~3 MB of affiliations against a 2 MiB disk: the write runs out of space part way through.
    const local = (i: number) => `${String(i).padStart(4, "0")}${"u".repeat(996)}`;
    const batch = Array.from({ length: 3000 }, (_, i) => ({
      jid: `${local(i)}@example.org`,
      affiliation: "member" as const,
    }));
    await expect(store.setAffiliations("o", batch)).rejects.toMatchObject(FULL);
    expect(await store.getAffiliations("o")).toEqual(new Map([["alice@example.org", "owner"]]));
    const subs = batch.map((b, i) => ({
      node: "o",
      jid: b.jid,
      subid: `s${i}`,
      state: "subscribed" as const,
      options: {},
    }));
    await expect(store.changeSubscriptions("o", subs, ["x@example.org"])).rejects.toMatchObject(FULL);
    expect((await store.getSubscriptions("o")).map((s) => s.jid)).toEqual(["x@example.org"]);
    // Space was never taken by the failed writes: a small batch goes in whole.
    await store.setAffiliations("o", batch.slice(0, 3));
    expect((await store.getAffiliations("o")).size).toBe(4);
    await store.close();
    rmSync(join(dir, "owner.sqlite"), { force: true });
    rmSync(join(dir, "owner.sqlite-wal"), { force: true });
    rmSync(join(dir, "owner.sqlite-shm"), { force: true });
  });

  it("devices: rejects a write with storage-full and accepts it when space returns", async () => {
    const store = openSqliteDeviceStore({ path: join(dir, "devices.sqlite") });
    await store.createDevice(device("d0"));
    const free = fillDisk(dir);
    const big = { model: "m".repeat(8000) };
    await expect(
      Promise.all(Array.from({ length: 5 }, (_, i) => store.createDevice(device(`d${i + 1}`, big)))),
    ).rejects.toMatchObject(FULL);
    free();
    expect(await store.createDevice(device("d9", big))).toBe(true);
    expect((await store.listDevices()).map((d) => d.id)).toContain("d9");
    await store.close();
  });

  it("control: issue() throws storage-full with no seq taken, and works when space returns", () => {
    const store = openControlStore(join(dir, "control.sqlite"));
    const entry = (detail: string) => ({
      time: 1,
      device: "d",
      actor: "a@x",
      id: "c",
      command: "relay=true",
      outcome: "issued" as const,
      detail,
    });
    expect(store.issue(entry("x"), ["relay"]).get("relay")).toBe(1);
    const free = fillDisk(dir);
    expect(() => {
      for (let i = 0; i < 10; i++) store.issue(entry("y".repeat(8000)), ["relay"]);
    }).toThrow(expect.objectContaining(FULL));
    free();
    const next = store.issue(entry("z"), ["relay"]).get("relay") as number;
    expect(store.history("d", 100).length).toBe(next); // every seq handed out is logged, none lost
    store.close();
  });
});
