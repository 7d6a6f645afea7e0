/* References: docs/design.md §2 (`gap`: count, first and last sequence of dropped documents).
 *
 * The in-memory state both outbox stores share: live records in key order, limits, gap ledger
 * (readings dropped by `drop-oldest`, and documents never stored: refused appends, a full disk).
 * Pure and synchronous; the file store replays its log through the same `apply*` methods, so
 * memory and disk agree by construction. */
import { parseItemId } from "../../shared/model";
import type {
  AppendResult,
  BuildRecord,
  NewRecord,
  OutboxLimits,
  OutboxRecord,
  OutboxUsage,
  PendingGap,
} from "./store";

export function validateNewRecord(rec: NewRecord): { boot: string; seq: number } {
  const id = parseItemId(rec.itemId);
  if (!id.ok) throw new TypeError(`outbox record: ${id.error.message}`);
  if (!Number.isSafeInteger(rec.count) || rec.count < 0)
    throw new TypeError(`outbox record: bad count ${rec.count}`);
  if (!(rec.payload instanceof Uint8Array))
    throw new TypeError("outbox record: payload must be a Uint8Array");
  return id.value;
}

const sameGap = (a: PendingGap, b: PendingGap) =>
  a.boot === b.boot && a.n === b.n && a.from === b.from && a.to === b.to;

/** What an append will do, decided before anything is written. */
export type AppendPlan =
  | { ok: true; key: number; record: OutboxRecord; victims: number[] }
  | { ok: false; result: AppendResult; built: NewRecord };

export class OutboxState {
  readonly records = new Map<number, OutboxRecord>();
  gaps: PendingGap[] = [];
  nextKey = 0;
  bytes = 0;

  constructor(readonly limits: OutboxLimits) {
    if (!(limits.maxRecords >= 1 && limits.maxBytes >= 1))
      throw new TypeError("outbox limits must be positive");
  }

  usage(): OutboxUsage {
    const ratio = Math.max(this.records.size / this.limits.maxRecords, this.bytes / this.limits.maxBytes);
    return { records: this.records.size, bytes: this.bytes, ratio };
  }

  list(limit = Number.POSITIVE_INFINITY): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    for (const rec of this.records.values()) {
      if (out.length >= limit) break;
      out.push(rec);
    }
    return out;
  }

  /** Builds the record and decides which records to drop; changes nothing. */
  plan(build: BuildRecord): AppendPlan {
    const pending = this.gaps[0];
    const built = build(pending === undefined ? undefined : { ...pending });
    validateNewRecord(built);
    if (built.gap !== undefined && (pending === undefined || !sameGap(built.gap, pending))) {
      throw new TypeError("outbox record: gap must be exactly the pending gap passed to the builder");
    }
    const size = built.payload.length;
    if (size > this.limits.maxBytes) return { ok: false, result: { ok: false, error: "too-large" }, built };
    const victims: number[] = [];
    let count = this.records.size + 1;
    let bytes = this.bytes + size;
    for (const rec of this.records.values()) {
      if (count <= this.limits.maxRecords && bytes <= this.limits.maxBytes) break;
      victims.push(rec.key);
      count--;
      bytes -= rec.payload.length;
    }
    if (victims.length > 0 && this.limits.policy === "pause") {
      return { ok: false, result: { ok: false, error: "full" }, built };
    }
    const record: OutboxRecord = { ...built, payload: Uint8Array.from(built.payload), key: this.nextKey };
    return { ok: true, key: record.key, record, victims };
  }

  applyAppend(rec: OutboxRecord): void {
    if (rec.gap !== undefined) this.#claimGap(rec.gap);
    this.records.set(rec.key, rec);
    this.bytes += rec.payload.length;
    this.nextKey = Math.max(this.nextKey, rec.key + 1);
  }

  /** Removes a record (acknowledged or quarantined); returns it, or undefined if unknown. */
  applyRemove(key: number): OutboxRecord | undefined {
    const rec = this.records.get(key);
    if (rec === undefined) return undefined;
    this.records.delete(key);
    this.bytes -= rec.payload.length;
    return rec;
  }

  /** The gap for the readings of a document that was not stored (none for an empty document). */
  static lossOf(rec: NewRecord): PendingGap | undefined {
    const id = validateNewRecord(rec);
    return rec.count > 0 ? { boot: id.boot, n: rec.count, from: id.seq, to: id.seq } : undefined;
  }

  /** Drops a record unpublished: its readings (and any gap it carried) become a pending gap. */
  applyDrop(key: number): OutboxRecord | undefined {
    const rec = this.applyRemove(key);
    if (rec === undefined) return undefined;
    if (rec.gap !== undefined) this.addGap(rec.gap);
    const id = validateNewRecord(rec);
    if (rec.count > 0) this.addGap({ boot: id.boot, n: rec.count, from: id.seq, to: id.seq });
    return rec;
  }

  #claimGap(gap: PendingGap): void {
    const i = this.gaps.findIndex((g) => sameGap(g, gap));
    if (i >= 0) this.gaps.splice(i, 1);
  }

  /** Adds readings not kept to the ledger: merged into the last gap when it is of the same boot. */
  addGap(gap: PendingGap): void {
    const last = this.gaps.at(-1);
    if (last !== undefined && last.boot === gap.boot) {
      this.gaps[this.gaps.length - 1] = {
        boot: last.boot,
        n: last.n + gap.n,
        from: Math.min(last.from, gap.from),
        to: Math.max(last.to, gap.to),
      };
    } else {
      this.gaps.push({ ...gap });
    }
  }
}
