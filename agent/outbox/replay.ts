/* Opening the file outbox: read each log, cut a torn tail, and replay the entries into the state.
 * The data log is replayed in order (appends, drops, gaps of documents never stored, compaction
 * state); the ack log is a set of removed keys and is applied afterwards.
 * References: docs/design.md §2 (`gap`), docs/protocol.md ("Readings never lost silently"). */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { Logger } from "../../shared/log";
import { ENTRY, type Entry, scanFrames } from "./log";
import { isGap } from "./reserve";
import type { OutboxState } from "./state";
import type { OutboxRecord, PendingGap } from "./store";

export interface LogFile {
  handle: FileHandle;
  /** Bytes of intact frames; appends go here. */
  size: number;
  entries: Entry[];
}

/** Opens (creating) a log for appending after cutting off any torn tail. */
export async function openLog(path: string, log?: Logger): Promise<LogFile> {
  const handle = await open(path, "a+");
  try {
    const buf = await handle.readFile();
    const { entries, validEnd } = scanFrames(buf);
    if (validEnd < buf.length) {
      log?.warn({ path, validEnd, discarded: buf.length - validEnd }, "outbox: discarding torn log tail");
      await handle.truncate(validEnd);
      await handle.sync();
    }
    return { handle, size: validEnd, entries };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

const isNum = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** The record a data (or quarantine) entry describes, or undefined if its header is malformed. */
export function entryRecord(e: Entry): OutboxRecord | undefined {
  const h = e.header;
  if (!isNum(h.key) || typeof h.itemId !== "string" || !isNum(h.count)) return undefined;
  if (h.gap !== undefined && !isGap(h.gap)) return undefined;
  const rec: OutboxRecord = { key: h.key, itemId: h.itemId, count: h.count, payload: e.payload };
  if (h.gap !== undefined) rec.gap = h.gap as PendingGap;
  return rec;
}

export function dataHeader(rec: OutboxRecord): object {
  return rec.gap === undefined
    ? { key: rec.key, itemId: rec.itemId, count: rec.count }
    : { key: rec.key, itemId: rec.itemId, count: rec.count, gap: rec.gap };
}

export interface Replayed {
  /** Frame size of each live record (for compaction accounting). */
  frameSize: Map<number, number>;
  /** The newest reserve epoch whose gaps the log holds (./reserve.ts), or -1. */
  lostEpoch: number;
}

const gapsOf = (x: unknown): PendingGap[] =>
  (Array.isArray(x) ? x.filter(isGap) : []).map((g) => ({ boot: g.boot, n: g.n, from: g.from, to: g.to }));

/** Replays the data log. */
export function replayData(state: OutboxState, entries: Entry[]): Replayed {
  const frameSize = new Map<number, number>();
  let lostEpoch = -1;
  for (const e of entries) {
    if (e.type === ENTRY.state) {
      state.gaps = gapsOf(e.header.gaps);
      if (isNum(e.header.nextKey)) state.nextKey = Math.max(state.nextKey, e.header.nextKey);
      if (isNum(e.header.lostEpoch)) lostEpoch = Math.max(lostEpoch, e.header.lostEpoch);
    } else if (e.type === ENTRY.lost) {
      // Documents never stored, logged in front of the next one that was: same order as live.
      for (const gap of gapsOf(e.header.gaps)) state.addGap(gap);
      if (isNum(e.header.epoch)) lostEpoch = Math.max(lostEpoch, e.header.epoch);
    } else if (e.type === ENTRY.data) {
      const rec = entryRecord(e);
      if (rec === undefined) continue;
      state.applyAppend(rec);
      frameSize.set(rec.key, e.size);
    } else if (e.type === ENTRY.drop && Array.isArray(e.header.keys)) {
      for (const key of e.header.keys.filter(isNum)) {
        state.applyDrop(key);
        frameSize.delete(key);
      }
    }
  }
  return { frameSize, lostEpoch };
}

/** Applies the ack log (acks and quarantine markers): both remove the record from the queue. */
export function replayAcks(state: OutboxState, entries: Entry[], frameSize: Map<number, number>): void {
  for (const e of entries) {
    if ((e.type === ENTRY.ack || e.type === ENTRY.quarantine) && isNum(e.header.key)) {
      state.applyRemove(e.header.key);
      frameSize.delete(e.header.key);
      state.nextKey = Math.max(state.nextKey, e.header.key + 1);
    }
  }
}
