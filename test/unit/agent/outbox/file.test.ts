import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FILES, openFileOutboxStore } from "../../../../agent/outbox/file";
import { parseFsyncPolicy } from "../../../../agent/outbox/fsync";
import type { OutboxStore } from "../../../../agent/outbox/store";
import { doc, put } from "../../../contract/outbox-store.contract";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "xiot-file-outbox-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dataPath = () => join(dir, FILES.data);
const ids = (s: OutboxStore) => s.list().map((r) => r.itemId);

/** Writes three records and returns the data log bytes and where the last frame starts. */
async function threeRecords(): Promise<{ log: Buffer; lastStart: number }> {
  const store = await openFileOutboxStore({ dir });
  await put(store, doc("1.aa", 0));
  await put(store, doc("1.aa", 1));
  const lastStart = (await stat(dataPath())).size;
  await put(store, doc("1.aa", 2, 1, "the last record, torn by a crash"));
  await store.close();
  return { log: await readFile(dataPath()), lastStart };
}

async function reopenWith(log: Buffer): Promise<{ ids: string[]; size: number }> {
  await writeFile(dataPath(), log);
  const store = await openFileOutboxStore({ dir });
  const out = { ids: ids(store), size: (await stat(dataPath())).size };
  await store.close();
  return out;
}

describe("file outbox: torn tails", () => {
  it("discards the last record cut at any byte offset and keeps the earlier ones", async () => {
    const { log, lastStart } = await threeRecords();
    expect((await reopenWith(log)).ids).toEqual(["1.aa-0", "1.aa-1", "1.aa-2"]);
    for (let cut = lastStart; cut < log.length; cut++) {
      const res = await reopenWith(log.subarray(0, cut));
      expect(res.ids, `cut at ${cut}`).toEqual(["1.aa-0", "1.aa-1"]);
      expect(res.size, `truncated at ${cut}`).toBe(lastStart);
    }
  });

  it("discards the last record when any of its bytes is flipped", async () => {
    const { log, lastStart } = await threeRecords();
    for (let i = lastStart; i < log.length; i++) {
      const bad = Buffer.from(log);
      bad[i]! ^= 0xff;
      expect((await reopenWith(bad)).ids, `flip at ${i}`).toEqual(["1.aa-0", "1.aa-1"]);
    }
  });

  it("appends cleanly after a torn tail was cut", async () => {
    const { log, lastStart } = await threeRecords();
    await writeFile(dataPath(), log.subarray(0, lastStart + 5));
    const store = await openFileOutboxStore({ dir });
    await put(store, doc("2.bb", 0));
    await store.close();
    const again = await openFileOutboxStore({ dir });
    expect(ids(again)).toEqual(["1.aa-0", "1.aa-1", "2.bb-0"]);
    await again.close();
  });

  it("a torn ack log loses only the cut ack: that record is published again", async () => {
    const store = await openFileOutboxStore({ dir });
    const keys: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await put(store, doc("1.aa", i));
      if (r.ok) keys.push(r.key);
    }
    await store.ack(keys[0]!);
    await store.ack(keys[1]!);
    await store.close();
    const acks = await readFile(join(dir, FILES.acks));
    await writeFile(join(dir, FILES.acks), acks.subarray(0, acks.length - 3));
    const again = await openFileOutboxStore({ dir });
    expect(ids(again)).toEqual(["1.aa-1", "1.aa-2"]);
    await again.close();
  });
});

describe("file outbox: compaction", () => {
  it("rewrites only live records once the acknowledged part is large, keeping keys and gaps", async () => {
    const limits = { maxRecords: 50 };
    const store = await openFileOutboxStore({ dir, limits, compactMinBytes: 2000 });
    const keys: number[] = [];
    for (let i = 0; i < 60; i++) {
      const r = await put(store, doc("1.aa", i, 2, `payload ${i} ${"x".repeat(40)}`));
      if (r.ok) keys.push(r.key);
    }
    const before = (await stat(dataPath())).size;
    for (const key of keys.slice(10, 55)) await store.ack(key);
    const after = (await stat(dataPath())).size;
    expect(after).toBeLessThan(before / 3);
    expect((await stat(join(dir, FILES.acks))).size).toBeLessThan(45 * 20);
    const live = ids(store);
    const carried = store.list().map((r) => r.gap);
    // Every append carried the gap left by the drop before it; the last drop (seq 9) is pending.
    expect(carried[0]).toEqual({ boot: "1.aa", n: 2, from: 4, to: 4 }); // seq 55 carries the drop of seq 4
    const gaps = store.pendingGaps();
    expect(gaps).toEqual([{ boot: "1.aa", n: 2, from: 9, to: 9 }]);
    await store.close();
    const again = await openFileOutboxStore({ dir, limits, compactMinBytes: 2000 });
    expect(ids(again)).toEqual(live);
    expect(again.list().map((r) => r.gap)).toEqual(carried);
    expect(again.pendingGaps()).toEqual(gaps);
    const next = await put(again, doc("2.bb", 0));
    expect(next.ok && next.key > keys.at(-1)!).toBe(true);
    await again.close();
  });
});

describe("fsync policy", () => {
  it("parses always, never and interval:<ms>, and names bad values", () => {
    expect(parseFsyncPolicy("always")).toEqual({ kind: "always" });
    expect(parseFsyncPolicy("never")).toEqual({ kind: "never" });
    expect(parseFsyncPolicy("interval:250")).toEqual({ kind: "interval", ms: 250 });
    expect(parseFsyncPolicy("interval:0")).toHaveProperty("error");
    expect(parseFsyncPolicy("sometimes")).toHaveProperty("error");
  });

  it("interval policy keeps a timer only while open", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const store = await openFileOutboxStore({ dir, fsync: "interval:10" });
      expect(vi.getTimerCount()).toBe(1);
      await put(store, doc("1.aa", 0));
      vi.advanceTimersByTime(10); // runs the periodic fsync
      await store.close();
      expect(vi.getTimerCount()).toBe(0);
      await store.close(); // closing twice is harmless
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses to open with a bad policy", async () => {
    await expect(openFileOutboxStore({ dir, fsync: "often" })).rejects.toThrow(/fsync policy/);
  });
});
