import { describe, expect, it } from "vitest";
import { documentRecord, encodeJson } from "../../../../agent/outbox/document";
import { createMemoryOutboxStore } from "../../../../agent/outbox/memory";
import { parseReadingsDocument, type ReadingsDocumentV1 } from "../../../../shared/model";

const doc = (seq: number, n = 2): ReadingsDocumentV1 => ({
  v: 1,
  dev: "d1",
  boot: "4.zzzzzz",
  seq,
  clk: "sync",
  r: Array.from({ length: n }, (_, i) => ({ c: "temp", t: 1000 + i, v: i })),
});
const decode = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString("utf8"));

describe("documentRecord", () => {
  it("uses <bootId>-<seq> as item id and the reading count", async () => {
    const store = createMemoryOutboxStore();
    await store.append(documentRecord(doc(7, 3), encodeJson));
    const [rec] = store.list();
    expect(rec).toMatchObject({ itemId: "4.zzzzzz-7", count: 3 });
    expect(decode(rec!.payload)).toEqual(doc(7, 3));
  });

  it("puts the pending gap into the encoded document, which clears it", async () => {
    const store = createMemoryOutboxStore({ limits: { maxRecords: 1 } });
    await store.append(documentRecord(doc(0, 5), encodeJson));
    await store.append(documentRecord(doc(1), encodeJson)); // drops seq 0
    expect(store.pendingGaps()).toEqual([{ boot: "4.zzzzzz", n: 5, from: 0, to: 0 }]);
    await store.append(documentRecord(doc(2), encodeJson)); // drops seq 1, carries the gap of seq 0
    const [rec] = store.list();
    expect(decode(rec!.payload).gap).toEqual({ n: 5, from: 0, to: 0 });
    expect(store.pendingGaps()).toEqual([{ boot: "4.zzzzzz", n: 2, from: 1, to: 1 }]);
  });
});

describe("gap.boot (docs/protocol.md)", () => {
  it("names the boot only when the dropped documents belong to an earlier boot", () => {
    const pending = { boot: "3.aaaaaa", n: 4, from: 10, to: 12 };
    const rec = documentRecord(doc(0), encodeJson)(pending);
    expect(decode(rec.payload).gap).toEqual({ n: 4, from: 10, to: 12, boot: "3.aaaaaa" });
    const same = documentRecord(doc(5), encodeJson)({ ...pending, boot: "4.zzzzzz" });
    expect(decode(same.payload).gap).toEqual({ n: 4, from: 10, to: 12 });
  });

  it("is accepted by the reader, and a malformed one is refused with its path", () => {
    const withBoot = { ...doc(1), gap: { n: 1, from: 0, to: 0, boot: "3.aaaaaa" } };
    expect(parseReadingsDocument(withBoot).ok).toBe(true);
    const bad = parseReadingsDocument({
      ...doc(1),
      gap: { n: 1, from: 0, to: 0, boot: "no-dashes-allowed" },
    });
    expect(bad.ok ? "" : bad.error.message).toMatch(/^gap: boot must match/);
  });
});
