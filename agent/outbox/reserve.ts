/* References: docs/design.md §2 (`gap`: readings dropped, count and first and last sequence),
 * docs/protocol.md ("Readings never lost silently").
 *
 * The outbox's reserved bookkeeping file, `outbox.reserve`: where the gaps of documents that could
 * not be stored (a full disk, an I/O error, a refused append) are kept until a stored document's
 * log write takes them over. It is preallocated at open (two slots of SLOT_BYTES, written in full)
 * and afterwards only overwritten in place, so recording a loss never needs a new block on the
 * file systems a board uses (ext4, f2fs, tmpfs; a copy-on-write file system may still need one).
 *
 * Each slot holds one frame (./log.ts) padded with zeros: header {gen, epoch, gaps}. Writes go to
 * the slots alternately, so a torn write leaves the other slot, one write older. `epoch` names the
 * batch of unlogged gaps: the data log's `lost` frame carries it, so that a crash between logging
 * the gaps and emptying the reserve does not count them twice. */
import { type FileHandle, open } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "../../shared/log";
import { fsyncDir } from "./atomic";
import { ENTRY, encodeFrame, scanFrames } from "./log";
import type { PendingGap } from "./store";

export const SLOT_BYTES = 4096;
/** More unlogged gaps than this (one per boot run) are merged, keeping `n` exact. */
export const MAX_RESERVE_GAPS = 24;

export interface ReserveContent {
  /** The batch the gaps belong to; the next batch after they were logged is epoch + 1. */
  epoch: number;
  gaps: PendingGap[];
}

const isNum = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

export function isGap(x: unknown): x is PendingGap {
  const g = x as PendingGap;
  return (
    typeof x === "object" &&
    x !== null &&
    typeof g.boot === "string" &&
    isNum(g.n) &&
    isNum(g.from) &&
    isNum(g.to)
  );
}

/** Appends `gap` to a gap list the way the outbox's ledger does: merged into the last of its boot. */
export function mergeGap(gaps: PendingGap[], gap: PendingGap): PendingGap[] {
  const last = gaps.at(-1);
  if (last === undefined || last.boot !== gap.boot) return [...gaps, { ...gap }];
  const merged = {
    boot: last.boot,
    n: last.n + gap.n,
    from: Math.min(last.from, gap.from),
    to: Math.max(last.to, gap.to),
  };
  return [...gaps.slice(0, -1), merged];
}

/** Bounds a list to MAX_RESERVE_GAPS by folding the oldest two into one (ranges then widen). */
function bounded(gaps: PendingGap[]): PendingGap[] {
  const out = gaps.map((g) => ({ ...g }));
  while (out.length > MAX_RESERVE_GAPS) {
    const [a, b] = out.splice(0, 2) as [PendingGap, PendingGap];
    out.unshift({ boot: a.boot, n: a.n + b.n, from: a.from, to: a.boot === b.boot ? b.to : a.to });
  }
  return out;
}

function slotBytes(gen: number, content: ReserveContent): Buffer {
  // MAX_RESERVE_GAPS gaps of at most ~100 bytes each fit a slot with room to spare.
  const frame = encodeFrame(ENTRY.reserve, { gen, epoch: content.epoch, gaps: bounded(content.gaps) });
  if (frame.length > SLOT_BYTES) throw new RangeError(`outbox reserve: ${frame.length} bytes exceed a slot`);
  const slot = Buffer.alloc(SLOT_BYTES);
  frame.copy(slot);
  return slot;
}

function readSlot(buf: Buffer): { gen: number; content: ReserveContent } | undefined {
  const entry = scanFrames(buf).entries[0];
  if (entry === undefined || entry.type !== ENTRY.reserve) return undefined;
  const { gen, epoch, gaps } = entry.header;
  if (!isNum(gen) || !isNum(epoch) || !Array.isArray(gaps) || !gaps.every(isGap)) return undefined;
  return {
    gen,
    content: { epoch, gaps: gaps.map((g) => ({ boot: g.boot, n: g.n, from: g.from, to: g.to })) },
  };
}

export class Reserve {
  #gen: number;

  private constructor(
    readonly handle: FileHandle,
    gen: number,
    /** What the reserve held at open. */
    readonly loaded: ReserveContent,
  ) {
    this.#gen = gen;
  }

  /**
   * Opens `path`, reading the newer valid slot, and makes sure both slots are allocated. If they
   * cannot be (the disk is already full), returns the content read and no reserve: losses are
   * then kept in memory only until the reserve can be opened at the next start.
   */
  static async open(path: string, log?: Logger): Promise<{ reserve?: Reserve; loaded: ReserveContent }> {
    const handle = await open(path, "a+").catch((err: unknown) => {
      log?.error({ err, path }, "outbox: cannot open the bookkeeping reserve; gaps kept in memory only");
      return undefined;
    });
    if (handle === undefined) return { loaded: { epoch: 0, gaps: [] } };
    const buf = await handle.readFile();
    const slots = [0, 1].map((i) => readSlot(buf.subarray(i * SLOT_BYTES, (i + 1) * SLOT_BYTES)));
    const best = slots.reduce((a, b) => (b !== undefined && (a === undefined || b.gen > a.gen) ? b : a));
    const loaded = best?.content ?? { epoch: 0, gaps: [] };
    await handle.close();
    if (buf.length >= 2 * SLOT_BYTES && slots.every((s) => s !== undefined))
      return { reserve: new Reserve(await open(path, "r+"), best?.gen ?? 0, loaded), loaded };
    // Preallocate: both slots written in full, in place from now on.
    const rw = await open(path, "r+");
    try {
      const gen = (best?.gen ?? 0) + 1;
      await rw.write(
        Buffer.concat([slotBytes(gen, loaded), slotBytes(gen + 1, loaded)]),
        0,
        2 * SLOT_BYTES,
        0,
      );
      await rw.sync();
      await fsyncDir(dirname(path));
      return { reserve: new Reserve(rw, gen + 1, loaded), loaded };
    } catch (err) {
      await rw.close();
      log?.error({ err, path }, "outbox: cannot allocate the bookkeeping reserve; gaps kept in memory only");
      return { loaded };
    }
  }

  /** Overwrites the older slot with `content` and syncs it; needs no new space. */
  async write(content: ReserveContent): Promise<void> {
    const gen = this.#gen + 1;
    await this.handle.write(slotBytes(gen, content), 0, SLOT_BYTES, (gen % 2) * SLOT_BYTES);
    await this.handle.datasync();
    this.#gen = gen;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
