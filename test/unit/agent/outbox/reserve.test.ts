/* The outbox's bookkeeping reserve (agent/outbox/reserve.ts, losses.ts): gaps of documents never
 * stored survive a restart, are counted once whichever way a crash cut the hand-over to the data
 * log, and writing them never grows the file. */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openFileOutboxStore } from "../../../../agent/outbox/file";
import { RESERVE_FILE } from "../../../../agent/outbox/losses";
import { SLOT_BYTES } from "../../../../agent/outbox/reserve";
import type { OutboxStore } from "../../../../agent/outbox/store";
import { doc, put } from "../../../contract/outbox-store.contract";

let dir: string;
const open: OutboxStore[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "xiot-reserve-"));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

const LIMITS = { maxBytes: 100, maxRecords: 100 };
const openStore = async (compactMinBytes?: number) => {
  const s = await openFileOutboxStore({ dir, limits: LIMITS, compactMinBytes });
  open.push(s);
  return s;
};
const reserve = () => join(dir, RESERVE_FILE);
/** A document the limits refuse: it is never stored, so its 4 readings become a gap. */
const refused = (store: OutboxStore, seq: number) =>
  store.append(() => ({ ...doc("1.aa", seq, 4), payload: new Uint8Array(101) }));
const closeAll = async () => {
  for (const s of open.splice(0)) await s.close();
};

describe("outbox bookkeeping reserve", () => {
  it("is preallocated at open and never grows while losses are recorded", async () => {
    const store = await openStore();
    expect((await stat(reserve())).size).toBe(2 * SLOT_BYTES);
    for (let i = 0; i < 50; i++) expect(await refused(store, i)).toEqual({ ok: false, error: "too-large" });
    expect((await stat(reserve())).size).toBe(2 * SLOT_BYTES);
    expect(store.pendingGaps()).toEqual([{ boot: "1.aa", n: 200, from: 0, to: 49 }]);
  });

  it("keeps the gap of a document never stored across a restart", async () => {
    const store = await openStore();
    await put(store, doc("1.aa", 0));
    await refused(store, 1);
    await closeAll();
    const again = await openStore();
    expect(again.pendingGaps()).toEqual([{ boot: "1.aa", n: 4, from: 1, to: 1 }]);
    expect((await put(again, doc("2.bb", 0))).ok).toBe(true);
    expect(again.list().at(-1)?.gap).toEqual({ boot: "1.aa", n: 4, from: 1, to: 1 });
  });

  it("counts the gap once when a crash left it in the reserve after the log took it over", async () => {
    const store = await openStore();
    await refused(store, 0);
    const before = await readFile(reserve());
    await put(store, doc("1.aa", 1)); // logs the gap in front of the document, empties the reserve
    await closeAll();
    await writeFile(reserve(), before); // as if the process died before emptying the reserve
    const again = await openStore();
    expect(again.pendingGaps()).toEqual([]);
    expect(again.list().map((r) => r.gap)).toEqual([{ boot: "1.aa", n: 4, from: 0, to: 0 }]);
    await refused(again, 2); // the next batch is recorded and replayed as usual
    await closeAll();
    expect((await openStore()).pendingGaps()).toEqual([{ boot: "1.aa", n: 4, from: 2, to: 2 }]);
  });

  it("counts the gap once when a compaction took it over before a crash", async () => {
    const store = await openStore(1);
    const a = await put(store, doc("1.aa", 0));
    await put(store, doc("1.aa", 1));
    await refused(store, 2);
    const before = await readFile(reserve());
    if (a.ok) await store.ack(a.key); // compacts: the state frame now holds the pending gap
    await closeAll();
    await writeFile(reserve(), before);
    const again = await openStore(1);
    expect(again.pendingGaps()).toEqual([{ boot: "1.aa", n: 4, from: 2, to: 2 }]);
  });

  it("reads the other slot when the newer one is torn", async () => {
    const store = await openStore();
    await refused(store, 0);
    await refused(store, 1);
    await closeAll();
    const buf = await readFile(reserve());
    // Writes alternate; find the newer slot by its content and tear it.
    const torn = Buffer.from(buf);
    const newer = buf.subarray(0, SLOT_BYTES).includes(Buffer.from('"n":8')) ? 0 : 1;
    torn.fill(0xff, newer * SLOT_BYTES + 20, newer * SLOT_BYTES + 40);
    await writeFile(reserve(), torn);
    const again = await openStore();
    expect(again.pendingGaps()).toEqual([{ boot: "1.aa", n: 4, from: 0, to: 0 }]);
  });
});
