import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  Batcher,
  type BatcherOptions,
  DEFAULT_MAX_COUNT,
  DEFAULT_MAX_DELAY_MS,
  type FlushReason,
} from "../../../../agent/readings/batcher";
import { SequenceCounter } from "../../../../agent/readings/boot-id";
import { parseReadingsDocument, type ReadingsDocumentV1 } from "../../../../shared/model";

let docs: [ReadingsDocumentV1, FlushReason][];
beforeEach(() => {
  vi.useFakeTimers();
  docs = [];
});
afterEach(() => {
  vi.useRealTimers();
});

const make = (o: Partial<BatcherOptions> = {}) =>
  new Batcher({ deviceId: "dev-1", bootId: "3.abcdef", onDocument: (d, r) => docs.push([d, r]), ...o });
const reading = (i: number) => ({ c: "temp", t: 1_700_000_000_000 + i, v: 20 + i / 10 });

describe("Batcher", () => {
  it("defaults to 30 readings / 10 s", () => {
    const b = make();
    expect([b.maxCount, b.maxDelayMs]).toEqual([DEFAULT_MAX_COUNT, DEFAULT_MAX_DELAY_MS]);
    expect([DEFAULT_MAX_COUNT, DEFAULT_MAX_DELAY_MS]).toEqual([30, 10_000]);
  });

  it("emits a valid document with the next seq when maxCount is reached", () => {
    const b = make({ maxCount: 3 });
    for (let i = 0; i < 7; i++) b.add(reading(i), "sync");
    expect(docs.map(([d, r]) => [d.seq, d.r.length, r])).toEqual([
      [0, 3, "count"],
      [1, 3, "count"],
    ]);
    expect(parseReadingsDocument(docs[0]![0])).toEqual({ ok: true, value: docs[0]![0] });
    expect(docs[1]![0]).toMatchObject({ v: 1, dev: "dev-1", boot: "3.abcdef", clk: "sync" });
    expect(b.pending).toBe(1);
  });

  it("emits after maxDelayMs from the first reading of a document", () => {
    const b = make({ maxDelayMs: 1000 });
    b.add(reading(0), "sync");
    vi.advanceTimersByTime(600);
    b.add(reading(1), "sync");
    vi.advanceTimersByTime(399);
    expect(docs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(docs.map(([d, r]) => [d.seq, d.r.length, r])).toEqual([[0, 2, "delay"]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("starts a new document when the clock status changes", () => {
    const b = make();
    b.add(reading(0), "unsync");
    b.add(reading(1), "unsync");
    b.add(reading(2), "sync");
    b.flush();
    expect(docs.map(([d, r]) => [d.clk, d.r.length, r])).toEqual([
      ["unsync", 2, "clock"],
      ["sync", 1, "flush"],
    ]);
  });

  it("continues a given sequence and never reads the clock for it", () => {
    const b = make({ sequence: new SequenceCounter(41) });
    vi.setSystemTime(0);
    b.add(reading(0), "sync");
    expect(b.flush()?.seq).toBe(41);
    expect(b.flush()).toBeUndefined();
    b.add(reading(1), "sync");
    expect(b.flush()?.seq).toBe(42);
  });

  it("refuses bad readings with a typed error and keeps going", () => {
    const b = make();
    const res = b.add({ c: "Bad Channel", t: 1, v: 1 }, "sync");
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.path).toBe("reading.c");
    expect(b.pending).toBe(0);
    expect(b.add(reading(0), "sync").ok).toBe(true);
  });

  it("stop() emits what is open and leaves no timer", () => {
    const b = make();
    b.add(reading(0), "sync");
    expect(vi.getTimerCount()).toBe(1);
    b.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(docs).toHaveLength(1);
  });

  it("copies readings so later changes by the caller do not leak into documents", () => {
    const b = make();
    const r = reading(0);
    b.add(r, "sync");
    r.v = 99;
    expect(b.flush()?.r[0]?.v).toBe(20);
  });
});
