/* The outbox store contract: every OutboxStore backend runs this suite
 * (outbox-store.memory.test.ts, outbox-store.file.test.ts). */
import { afterEach, describe, expect, it } from "vitest";
import type { NewRecord, OutboxLimits, OutboxStore, PendingGap } from "../../agent/outbox/store";
import { OutboxClosedError } from "../../agent/outbox/store";

export interface StoreHarness {
  open(limits?: Partial<OutboxLimits>): Promise<OutboxStore>;
  /** Closes and opens the same store again; absent for stores that do not persist. */
  reopen?: (store: OutboxStore, limits?: Partial<OutboxLimits>) => Promise<OutboxStore>;
  cleanup?: () => Promise<void>;
  /** Fills and frees the disk the store writes to; absent for stores without one. */
  disk?: { fill(): Promise<void>; free(): Promise<void> };
}

/** A small deterministic PRNG, so that a failing seed can be run again. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const gapSum = (gaps: PendingGap[]) => gaps.reduce((n, g) => n + g.n, 0);

export const doc = (boot: string, seq: number, count = 1, text = `doc ${boot}-${seq}`): NewRecord => ({
  itemId: `${boot}-${seq}`,
  count,
  payload: Buffer.from(text),
});

/** Appends a document that carries whatever gap is pending. */
export async function put(store: OutboxStore, rec: NewRecord) {
  return store.append((gap) => (gap === undefined ? rec : { ...rec, gap }));
}

const ids = (store: OutboxStore) => store.list().map((r) => r.itemId);

export function outboxStoreContract(name: string, harness: StoreHarness): void {
  describe(`OutboxStore contract: ${name}`, () => {
    const opened: OutboxStore[] = [];
    const open = async (limits?: Partial<OutboxLimits>) => {
      const s = await harness.open(limits);
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await harness.cleanup?.();
    });

    it("keeps records in append order with increasing keys and copies payloads", async () => {
      const store = await open();
      const payload = Buffer.from("first");
      const a = await store.append(() => ({ itemId: "1.aa-0", count: 2, payload }));
      payload[0] = 0x58;
      const b = await store.append(() => doc("1.aa", 1));
      expect(a.ok && b.ok && b.key > a.key).toBe(true);
      expect(ids(store)).toEqual(["1.aa-0", "1.aa-1"]);
      expect(Buffer.from(store.list()[0]!.payload).toString()).toBe("first");
      expect(store.list(1)).toHaveLength(1);
      expect(store.usage()).toMatchObject({ records: 2, bytes: 5 + "doc 1.aa-1".length });
    });

    it("removes acknowledged records and ignores unknown keys", async () => {
      const store = await open();
      const keys: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await put(store, doc("1.aa", i));
        if (r.ok) keys.push(r.key);
      }
      await store.ack(keys[2]!);
      await store.ack(keys[0]!);
      await store.ack(keys[0]!);
      await store.ack(9999);
      expect(ids(store)).toEqual(["1.aa-1", "1.aa-3"]);
    });

    it("moves quarantined records out of the queue with their reason", async () => {
      const store = await open();
      const r = await put(store, doc("1.aa", 0));
      await put(store, doc("1.aa", 1));
      if (!r.ok) throw new Error("append failed");
      await store.quarantine(r.key, "cancel/conflict");
      expect(ids(store)).toEqual(["1.aa-1"]);
      const q = await store.quarantined();
      expect(q).toHaveLength(1);
      expect(q[0]).toMatchObject({ itemId: "1.aa-0", reason: "cancel/conflict", key: r.key });
      expect(Buffer.from(q[0]!.payload).toString()).toBe("doc 1.aa-0");
    });

    it("drop-oldest drops the oldest records and records the gap", async () => {
      const store = await open({ maxRecords: 3, policy: "drop-oldest" });
      for (let i = 0; i < 5; i++) {
        const r = await store.append(() => doc("1.aa", i, 10));
        expect(r).toMatchObject({ ok: true, dropped: i < 3 ? 0 : 1 });
      }
      expect(ids(store)).toEqual(["1.aa-2", "1.aa-3", "1.aa-4"]);
      expect(store.pendingGaps()).toEqual([{ boot: "1.aa", n: 20, from: 0, to: 1 }]);
    });

    it("passes the pending gap to the builder and clears it once a document carries it", async () => {
      const store = await open({ maxRecords: 2 });
      for (let i = 0; i < 3; i++) await put(store, doc("1.aa", i, 5));
      let seen: PendingGap | undefined;
      await store.append((gap) => {
        seen = gap;
        return { ...doc("1.aa", 3, 5), gap };
      });
      expect(seen).toEqual({ boot: "1.aa", n: 5, from: 0, to: 0 });
      // Appending seq 3 dropped seq 1: that is the only gap left.
      expect(store.pendingGaps()).toEqual([{ boot: "1.aa", n: 5, from: 1, to: 1 }]);
      expect(store.list().at(-1)?.gap).toEqual(seen);
    });

    it("restores a dropped document's own gap, merged per boot", async () => {
      const store = await open({ maxRecords: 1 });
      await put(store, doc("1.aa", 0, 3));
      await put(store, doc("1.aa", 1, 4)); // drops 0 → gap {3, 0..0}
      await put(store, doc("1.aa", 2, 2)); // drops 1 → gap {4, 1..1}; 2 carries it
      await put(store, doc("2.bb", 0, 1)); // carries {4, 1..1}; drops 2, whose gap is pending again
      expect(store.list()[0]?.gap).toEqual({ boot: "1.aa", n: 4, from: 1, to: 1 });
      expect(store.pendingGaps()).toEqual([{ boot: "1.aa", n: 5, from: 0, to: 2 }]);
    });

    it("pause refuses new records when full and accepts them after an ack", async () => {
      const store = await open({ maxRecords: 2, policy: "pause" });
      const a = await put(store, doc("1.aa", 0));
      await put(store, doc("1.aa", 1));
      expect(await put(store, doc("1.aa", 2))).toEqual({ ok: false, error: "full" });
      expect(ids(store)).toEqual(["1.aa-0", "1.aa-1"]);
      expect(store.usage().ratio).toBe(1);
      if (a.ok) await store.ack(a.key);
      expect(await put(store, doc("1.aa", 2))).toMatchObject({ ok: true, dropped: 0 });
      expect(store.pendingGaps()).toEqual([]);
    });

    it("bounds bytes too, and refuses a record larger than the whole outbox", async () => {
      const store = await open({ maxBytes: 30 });
      for (let i = 0; i < 4; i++)
        await store.append(() => ({ ...doc("1.aa", i), payload: new Uint8Array(10) }));
      expect(ids(store)).toEqual(["1.aa-1", "1.aa-2", "1.aa-3"]);
      expect(await store.append(() => ({ ...doc("1.aa", 9), payload: new Uint8Array(31) }))).toEqual({
        ok: false,
        error: "too-large",
      });
    });

    it("rejects malformed records and a gap that is not the pending one", async () => {
      const store = await open();
      await expect(store.append(() => ({ ...doc("1.aa", 0), itemId: "no id" }))).rejects.toThrow(TypeError);
      await expect(store.append(() => ({ ...doc("1.aa", 0), count: -1 }))).rejects.toThrow(TypeError);
      const gap = { boot: "1.aa", n: 1, from: 0, to: 0 };
      await expect(store.append(() => ({ ...doc("1.aa", 0), gap }))).rejects.toThrow(/pending gap/);
      expect(store.list()).toEqual([]);
      expect((await put(store, doc("1.aa", 0))).ok).toBe(true);
    });

    it("counts a document refused by a limit in a gap that the next stored document carries", async () => {
      const store = await open({ maxRecords: 2, maxBytes: 40, policy: "pause" });
      const a = await put(store, doc("1.aa", 0, 3));
      await put(store, doc("1.aa", 1, 3));
      expect(await put(store, doc("1.aa", 2, 4))).toEqual({ ok: false, error: "full" });
      if (a.ok) await store.ack(a.key);
      const big = await store.append(() => ({ ...doc("1.aa", 3, 5), payload: new Uint8Array(41) }));
      expect(big).toEqual({ ok: false, error: "too-large" });
      expect(store.pendingGaps()).toEqual([{ boot: "1.aa", n: 9, from: 2, to: 3 }]);
      expect((await put(store, doc("1.aa", 4, 1))).ok).toBe(true);
      expect(store.list().at(-1)?.gap).toEqual({ boot: "1.aa", n: 9, from: 2, to: 3 });
      expect(store.pendingGaps()).toEqual([]);
    });

    if (harness.disk !== undefined && harness.reopen !== undefined) {
      const disk = harness.disk;
      const reopen = harness.reopen;
      it("counts every document the full disk refused in a gap, across a reopen, until space returns", async () => {
        // Documents larger than a page, so that no slack in a page of the log can take them.
        const big = (boot: string, seq: number, count: number) => doc(boot, seq, count, "x".repeat(5000));
        let store = await open();
        for (let i = 0; i < 3; i++) expect((await put(store, big("1.aa", i, 3))).ok).toBe(true);
        await disk.fill();
        try {
          for (let i = 3; i < 7; i++)
            expect(await put(store, big("1.aa", i, 3))).toEqual({ ok: false, error: "no-space" });
          expect(store.pendingGaps()).toEqual([{ boot: "1.aa", n: 12, from: 3, to: 6 }]);
          store = await reopen(store);
          opened.push(store);
          expect(store.pendingGaps()).toEqual([{ boot: "1.aa", n: 12, from: 3, to: 6 }]);
          expect(await put(store, big("2.bb", 0, 2))).toEqual({ ok: false, error: "no-space" });
        } finally {
          await disk.free();
        }
        const carried = await put(store, big("2.bb", 1, 3));
        expect(carried.ok).toBe(true);
        expect(store.list().at(-1)?.gap).toEqual({ boot: "1.aa", n: 12, from: 3, to: 6 });
        expect(store.pendingGaps()).toEqual([{ boot: "2.bb", n: 2, from: 0, to: 0 }]);
        store = await reopen(store);
        opened.push(store);
        expect(store.pendingGaps()).toEqual([{ boot: "2.bb", n: 2, from: 0, to: 0 }]);
        expect(ids(store)).toEqual(["1.aa-0", "1.aa-1", "1.aa-2", "2.bb-1"]);
      });

      for (const seed of [1, 2, 3, 4]) {
        it(`keeps stored + gaps = generated through random disk-full spells (seed ${seed})`, async () => {
          const rand = prng(seed);
          const limits = { maxRecords: 6, policy: "drop-oldest" as const };
          let store = await open(limits);
          let generated = 0;
          let seq = 0;
          let boot = 1;
          let full = false;
          const delivered: { count: number; gap: number }[] = [];
          const take = () => {
            for (const r of store.list()) delivered.push({ count: r.count, gap: r.gap?.n ?? 0 });
          };
          try {
            for (let step = 0; step < 120; step++) {
              const roll = rand();
              if (roll < 0.55) {
                const count = 1 + Math.floor(rand() * 5);
                generated += count;
                await put(store, doc(`${boot}.aa`, seq++, count, "y".repeat(Math.floor(rand() * 9000))));
              } else if (roll < 0.65) {
                if (!full) await disk.fill();
                else await disk.free();
                full = !full;
              } else if (roll < 0.9) {
                const oldest = store.list(1)[0];
                if (oldest === undefined) continue;
                const before = store.list().length;
                await store.ack(oldest.key).catch(() => undefined); // the ack log may be full too
                if (store.list().length < before)
                  delivered.push({ count: oldest.count, gap: oldest.gap?.n ?? 0 });
              } else {
                store = await reopen(store, limits);
                opened.push(store);
                boot++;
                seq = 0;
              }
            }
          } finally {
            if (full) await disk.free();
          }
          // Space is back and the hub acknowledges everything: documents carry the pending gaps, one
          // each, until none is left.
          const drain = async () => {
            take();
            for (const r of store.list()) await store.ack(r.key);
          };
          await drain();
          while (store.pendingGaps().length > 0) {
            generated += 1;
            expect((await put(store, doc(`${boot}.aa`, seq++, 1))).ok).toBe(true);
            await drain();
          }
          const stored = delivered.reduce((n, d) => n + d.count, 0);
          const gaps = delivered.reduce((n, d) => n + d.gap, 0);
          console.log(
            `outbox disk-full seed ${seed}: generated ${generated}, stored ${stored}, gaps ${gaps}`,
          );
          expect(stored + gaps + gapSum(store.pendingGaps())).toBe(generated);
        });
      }
    }

    it("rejects writes after close", async () => {
      const store = await open();
      await store.close();
      await expect(put(store, doc("1.aa", 0))).rejects.toBeInstanceOf(OutboxClosedError);
    });

    if (harness.reopen !== undefined) {
      const reopen = harness.reopen;
      it("keeps records, acks, gaps, quarantine and key order across a reopen", async () => {
        const limits = { maxRecords: 4 };
        const store = await open(limits);
        const keys: number[] = [];
        for (let i = 0; i < 6; i++) {
          const r = await put(store, doc("1.aa", i, 2));
          if (r.ok) keys.push(r.key);
        }
        await store.ack(keys[3]!);
        await store.quarantine(keys[4]!, "modify/bad-request");
        const again = await reopen(store, limits);
        opened.push(again);
        expect(ids(again)).toEqual(ids(store));
        expect(again.pendingGaps()).toEqual(store.pendingGaps());
        expect((await again.quarantined()).map((q) => q.itemId)).toEqual(["1.aa-4"]);
        const next = await put(again, doc("2.bb", 0));
        expect(next.ok && next.key > keys[5]!).toBe(true);
      });
    }
  });
}
