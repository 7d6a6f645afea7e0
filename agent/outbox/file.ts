/* References: docs/design.md §4 (the agent's own outbox plus idempotent item ids make delivery reliable).
 *
 * A durable outbox in a directory:
 *   outbox.log      append-only data log: data records, drop markers, compaction state
 *   outbox.acks     append-only ack log: keys acknowledged by the hub or quarantined
 *   quarantine.log  records the hub refused for good, with the reason
 *   outbox.reserve  preallocated bookkeeping: gaps of documents never stored (./reserve.ts)
 * Every frame carries its length and CRC-32 (./log.ts). Acknowledging appends a small frame to the
 * ack log instead of rewriting data; when the dead part of the data log is large, compaction
 * rewrites only the live records (atomically) and empties the ack log.
 *
 * Durability: `append` resolves after write(2) (so a killed process loses nothing it confirmed);
 * `fsync` decides when the data also survives a power loss: `always` before resolving,
 * `interval:<ms>` at most that much later, `never` when the OS flushes.
 *
 * A document that cannot be stored (the disk is full, a write fails, a limit refuses it) is never
 * lost silently: `append` answers with the error as a value and its readings become a pending gap,
 * kept in memory and in the reserve, then logged in front of the next document that is stored
 * (./losses.ts). Acks, quarantine and compaction failing for lack of space leave records queued. */
import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../shared/log";
import { removeStaleTemps, writeFileAtomic } from "./atomic";
import { type FsyncPolicy, parseFsyncPolicy } from "./fsync";
import { ENTRY, type EntryType, encodeFrame, scanFrames } from "./log";
import { Losses } from "./losses";
import { dataHeader, entryRecord, type LogFile, openLog, replayAcks, replayData } from "./replay";
import { OutboxState } from "./state";
import {
  type AppendResult,
  type BuildRecord,
  DEFAULT_LIMITS,
  OutboxClosedError,
  type OutboxLimits,
  type OutboxRecord,
  type OutboxStore,
  type OutboxUsage,
  type PendingGap,
  type QuarantinedRecord,
} from "./store";

export interface FileOutboxOptions {
  dir: string;
  limits?: Partial<OutboxLimits>;
  /** `always` (default) | `interval:<ms>` | `never`. */
  fsync?: FsyncPolicy | string;
  /** Compact when dead bytes reach this and exceed the live bytes. Default 1 MiB. */
  compactMinBytes?: number;
  log?: Logger;
  now?: () => number;
}

export const FILES = { data: "outbox.log", acks: "outbox.acks", quarantine: "quarantine.log" } as const;

export async function openFileOutboxStore(options: FileOutboxOptions): Promise<OutboxStore> {
  const fsync = typeof options.fsync === "string" ? parseFsyncPolicy(options.fsync) : options.fsync;
  if (fsync !== undefined && "error" in fsync) throw new TypeError(fsync.error);
  await mkdir(options.dir, { recursive: true });
  await removeStaleTemps(options.dir, FILES.data); // a compaction cut short by a crash
  const state = new OutboxState({ ...DEFAULT_LIMITS, ...options.limits });
  const data = await openLog(join(options.dir, FILES.data), options.log);
  const acks = await openLog(join(options.dir, FILES.acks), options.log).catch(async (err) => {
    await data.handle.close();
    throw err;
  });
  const { frameSize, lostEpoch } = replayData(state, data.entries);
  replayAcks(state, acks.entries, frameSize);
  data.entries = [];
  acks.entries = [];
  const losses = await Losses.open(options.dir, state, lostEpoch, options.log);
  const store = new FileOutboxStore(
    options,
    fsync ?? { kind: "always" },
    state,
    data,
    acks,
    frameSize,
    losses,
  );
  await store.maybeCompact();
  return store;
}

class FileOutboxStore implements OutboxStore {
  readonly limits: OutboxLimits;
  #chain: Promise<unknown> = Promise.resolve();
  #closed = false;
  #dirty = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #compactMin: number;

  constructor(
    readonly options: FileOutboxOptions,
    readonly fsync: FsyncPolicy,
    readonly state: OutboxState,
    readonly data: LogFile,
    readonly acks: LogFile,
    /** Frame size of each live record in the data log. */
    readonly frameSize: Map<number, number>,
    readonly losses: Losses,
  ) {
    this.limits = state.limits;
    this.#compactMin = options.compactMinBytes ?? 1024 * 1024;
    if (fsync.kind === "interval") {
      this.#timer = setInterval(() => this.#flushDirty(), fsync.ms);
      this.#timer.unref();
    }
  }

  /** Runs `fn` after every earlier operation; a failure reaches only its own caller. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(() => {
      if (this.#closed) throw new OutboxClosedError();
      return fn();
    });
    // Why: the chain only orders operations; each caller gets its own rejection through `run`.
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #write(file: LogFile, buf: Buffer): Promise<void> {
    try {
      let off = 0;
      while (off < buf.length) off += (await file.handle.write(buf, off, buf.length - off)).bytesWritten;
      if (this.fsync.kind === "always") await file.handle.sync();
    } catch (err) {
      // Cut a partial (or unsynced) frame off, so later appends do not land behind garbage and a
      // write reported as failed is not found after a restart.
      await file.handle.truncate(file.size);
      throw err;
    }
    file.size += buf.length;
    if (this.fsync.kind !== "always") this.#dirty = true;
  }

  #flushDirty(): void {
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    this.#serial(async () => {
      await this.data.handle.sync();
      await this.acks.handle.sync();
    }).catch((err) => this.options.log?.error({ err }, "outbox: periodic fsync failed"));
  }

  append(build: BuildRecord): Promise<AppendResult> {
    return this.#serial(async () => {
      const plan = this.state.plan(build);
      if (!plan.ok) {
        await this.losses.lose(OutboxState.lossOf(plan.built));
        return plan.result;
      }
      const lost = this.losses.frame();
      const frame = encodeFrame(ENTRY.data, dataHeader(plan.record), plan.record.payload);
      const frames = lost === undefined ? [frame] : [lost, frame];
      if (plan.victims.length > 0) frames.push(encodeFrame(ENTRY.drop, { keys: plan.victims }));
      try {
        await this.#write(this.data, Buffer.concat(frames));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const error = code === "ENOSPC" || code === "EDQUOT" ? "no-space" : "write-failed";
        this.options.log?.warn(
          { err, itemId: plan.record.itemId, readings: plan.record.count },
          "outbox: document not stored; its readings are counted in a gap",
        );
        await this.losses.lose(OutboxState.lossOf(plan.record));
        return { ok: false, error };
      }
      if (lost !== undefined) await this.losses.logged();
      this.state.applyAppend(plan.record);
      this.frameSize.set(plan.key, frame.length);
      for (const key of plan.victims) {
        this.state.applyDrop(key);
        this.frameSize.delete(key);
      }
      if (plan.victims.length > 0) {
        this.options.log?.warn({ dropped: plan.victims.length }, "outbox full: dropped oldest records");
        await this.#compactIfNeeded();
      }
      return { ok: true, key: plan.key, dropped: plan.victims.length };
    });
  }

  list(limit?: number): OutboxRecord[] {
    return this.state.list(limit);
  }

  /** Writes a removal to the ack log and applies it; call only inside #serial. */
  async #removeNow(key: number, type: EntryType): Promise<void> {
    await this.#write(this.acks, encodeFrame(type, { key }));
    this.state.applyRemove(key);
    this.frameSize.delete(key);
    await this.#compactIfNeeded();
  }

  ack(key: number): Promise<void> {
    return this.#serial(async () => {
      if (this.state.records.has(key)) await this.#removeNow(key, ENTRY.ack);
    });
  }

  /** Copies the record to the quarantine log (synced) first, then removes it from the queue. A
   * crash in between leaves it in both: it is published again and quarantined a second time. */
  quarantine(key: number, reason: string): Promise<void> {
    return this.#serial(async () => {
      const rec = this.state.records.get(key);
      if (rec === undefined) return;
      const header = { ...dataHeader(rec), reason, at: (this.options.now ?? Date.now)() };
      const handle = await open(join(this.options.dir, FILES.quarantine), "a");
      try {
        await handle.write(encodeFrame(ENTRY.quarantine, header, rec.payload));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.#removeNow(key, ENTRY.quarantine);
    });
  }

  async quarantined(): Promise<QuarantinedRecord[]> {
    const path = join(this.options.dir, FILES.quarantine);
    const buf = await this.#serial(async () => {
      const handle = await open(path, "a+");
      try {
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    });
    const out: QuarantinedRecord[] = [];
    for (const e of scanFrames(buf).entries) {
      const rec = entryRecord(e);
      if (rec === undefined || typeof e.header.reason !== "string" || typeof e.header.at !== "number")
        continue;
      out.push({ ...rec, reason: e.header.reason, at: e.header.at });
    }
    return out;
  }

  pendingGaps(): PendingGap[] {
    return this.state.gaps.map((g) => ({ ...g }));
  }

  usage(): OutboxUsage {
    return this.state.usage();
  }

  /** Bytes in the data log that belong to no live record. */
  deadBytes(): number {
    let live = 0;
    for (const size of this.frameSize.values()) live += size;
    return this.data.size - live;
  }

  maybeCompact(): Promise<void> {
    return this.#serial(() => this.#compactIfNeeded());
  }

  /** Compaction only saves space: when it fails (the disk is full), the logs stay as they are. */
  async #compactIfNeeded(): Promise<void> {
    try {
      await this.#compact();
    } catch (err) {
      this.options.log?.warn({ err }, "outbox: compaction failed; the logs stay as they are");
    }
  }

  async #compact(): Promise<void> {
    const dead = this.deadBytes();
    if (dead < this.#compactMin || dead < this.data.size - dead) return;
    const header = { nextKey: this.state.nextKey, gaps: this.state.gaps, lostEpoch: this.losses.loggedEpoch };
    const frames = [encodeFrame(ENTRY.state, header)];
    const sizes = new Map<number, number>();
    for (const rec of this.state.records.values()) {
      const frame = encodeFrame(ENTRY.data, dataHeader(rec), rec.payload);
      frames.push(frame);
      sizes.set(rec.key, frame.length);
    }
    const buf = Buffer.concat(frames);
    const path = join(this.options.dir, FILES.data);
    await writeFileAtomic(path, buf);
    await this.data.handle.close();
    this.data.handle = await open(path, "a");
    this.data.size = buf.length;
    for (const [key, size] of sizes) this.frameSize.set(key, size);
    await this.losses.logged(); // the state frame holds every gap now
    // The ack log only names records that are gone from the new data log: empty it.
    await this.acks.handle.truncate(0);
    await this.acks.handle.sync();
    this.acks.size = 0;
    this.options.log?.info({ dead, live: buf.length }, "outbox: compacted data log");
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#serial(async () => {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      if (this.fsync.kind !== "never") {
        await this.data.handle.sync();
        await this.acks.handle.sync();
      }
      await this.data.handle.close();
      await this.acks.handle.close();
      await this.losses.close();
      this.#closed = true;
    });
  }
}
