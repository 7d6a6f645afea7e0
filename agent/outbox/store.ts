/* References: docs/design.md §2 (item ids `<bootId>-<seq>`, `gap` in the readings document), docs/design.md §4
 * (stream management cannot be trusted for delivery: the agent's own outbox plus idempotent item
 * ids make delivery reliable).
 *
 * The outbox store contract. A store keeps encoded documents until the hub acknowledged their
 * publish, in append order, within a bounded size. Every backend runs test/contract/outbox-store. */
import type { Gap } from "../../shared/model";

/** Readings not kept (dropped by `drop-oldest`, or in a document that could not be stored), not yet
 * carried by a stored document. */
export interface PendingGap extends Gap {
  /** Boot id of the dropped documents: `from` and `to` are sequence numbers of that boot. */
  boot: string;
}

/** What the producer hands to the store: one encoded readings document. */
export interface NewRecord {
  /** Item id `<bootId>-<seq>` (docs/design.md §2); also says which boot and seq the document has. */
  itemId: string;
  /** Number of readings in the document, for gap accounting when it is dropped. */
  count: number;
  /**
   * The pending gap this document carries (exactly the one passed to the builder). Appending the
   * record clears that gap; if the record is later dropped, the gap becomes pending again.
   */
  gap?: PendingGap;
  /** The encoded document (EXI4JSON bytes, or JSON text bytes). */
  payload: Uint8Array;
}

export interface OutboxRecord extends NewRecord {
  /** Store-assigned, strictly increasing across restarts; the handle for ack/quarantine. */
  key: number;
}

export interface QuarantinedRecord extends OutboxRecord {
  reason: string;
  /** When it was quarantined, ms since the epoch. */
  at: number;
}

/**
 * Builds the record to append. Called exactly once, synchronously, inside the store's write
 * order, with the oldest pending gap (if any): include it in the document and in `gap`.
 */
export type BuildRecord = (pendingGap: PendingGap | undefined) => NewRecord;

/** Every error means the document was not stored; its readings are then a pending gap, carried by
 * the next document that is stored (docs/protocol.md, "Readings never lost silently"). */
export type AppendError =
  /** `pause` policy: no room; nothing was stored. Stop producing until there is room. */
  | "full"
  /** The record alone is larger than `maxBytes`. */
  | "too-large"
  /** The disk is full (ENOSPC, EDQUOT): nothing was stored. */
  | "no-space"
  /** Another write error (EIO, EROFS, …): nothing was stored. */
  | "write-failed";

export type AppendResult = { ok: true; key: number; dropped: number } | { ok: false; error: AppendError };

export type OverflowPolicy = "drop-oldest" | "pause";

export interface OutboxLimits {
  /** Most unacknowledged records kept. */
  maxRecords: number;
  /** Most payload bytes kept (sum of `payload.length` of unacknowledged records). */
  maxBytes: number;
  /** `drop-oldest` drops the oldest records (recording a gap); `pause` refuses new ones. */
  policy: OverflowPolicy;
}

export const DEFAULT_LIMITS: OutboxLimits = {
  maxRecords: 100_000,
  maxBytes: 32 * 1024 * 1024,
  policy: "drop-oldest",
};

export interface OutboxUsage {
  records: number;
  bytes: number;
  /** Fullness from 0 to 1: the larger of records/maxRecords and bytes/maxBytes. */
  ratio: number;
}

export interface OutboxStore {
  /** Appends one record built by `build`; resolves once it is written per the store's policy. */
  append(build: BuildRecord): Promise<AppendResult>;
  /** Up to `limit` unacknowledged records, oldest first. */
  list(limit?: number): OutboxRecord[];
  /** Removes an acknowledged record; unknown keys (already removed or dropped) are ignored. */
  ack(key: number): Promise<void>;
  /** Moves a record the hub refused for good out of the queue into the quarantine. */
  quarantine(key: number, reason: string): Promise<void>;
  quarantined(): Promise<QuarantinedRecord[]>;
  /** Gaps not yet carried by a stored document, oldest first (kept across a restart by persistent
   * stores, also when the disk is full). */
  pendingGaps(): PendingGap[];
  usage(): OutboxUsage;
  readonly limits: OutboxLimits;
  close(): Promise<void>;
}

export class OutboxClosedError extends Error {
  override readonly name = "OutboxClosedError";
  constructor() {
    super("outbox store is closed");
  }
}
