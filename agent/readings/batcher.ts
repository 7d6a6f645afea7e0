/* References: docs/design.md §2 (the readings document version 1; `clk` marks readings taken before time
 * sync; sequence numbers per boot).
 *
 * Collects readings into documents. A document is emitted when it holds `maxCount` readings, when
 * its first reading has waited `maxDelayMs`, when the clock status changes (a document has one
 * `clk`), or on flush()/stop(). Each emitted document takes the next sequence number. The timer
 * only runs while a document is open; timers are injected so tests are deterministic. */
import {
  type ClockStatus,
  type ModelError,
  parseReading,
  type Reading,
  type ReadingsDocumentV1,
  type Result,
} from "../../shared/model";
import { SequenceCounter } from "./boot-id";

export const DEFAULT_MAX_COUNT = 30;
export const DEFAULT_MAX_DELAY_MS = 10_000;

export type FlushReason = "count" | "delay" | "clock" | "flush";

export interface BatcherTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface BatcherOptions {
  deviceId: string;
  bootId: string;
  /** Readings per document at most. Default 30. */
  maxCount?: number;
  /** Longest a reading waits in an open document, in ms. Default 10 000. */
  maxDelayMs?: number;
  /** Sequence numbers for this boot (default: a new counter from 0). */
  sequence?: SequenceCounter;
  timers?: BatcherTimers;
  /** Called with each reading before it is batched, with the seq and clk of the document it goes
   * in (the open document's journal, journal.ts). */
  journal?: (seq: number, clk: ClockStatus, reading: Reading) => void;
  /** Receives each document, in sequence order, with why it was emitted (for measurements). */
  onDocument: (doc: ReadingsDocumentV1, reason: FlushReason) => void;
}

const realTimers: BatcherTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class Batcher {
  readonly maxCount: number;
  readonly maxDelayMs: number;
  readonly #o: BatcherOptions;
  readonly #seq: SequenceCounter;
  readonly #timers: BatcherTimers;
  #open: Reading[] = [];
  #clk: ClockStatus = "sync";
  #timer: unknown;

  constructor(options: BatcherOptions) {
    this.#o = options;
    this.maxCount = options.maxCount ?? DEFAULT_MAX_COUNT;
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    if (!Number.isInteger(this.maxCount) || this.maxCount < 1) throw new TypeError("maxCount must be ≥ 1");
    if (!(this.maxDelayMs >= 0)) throw new TypeError("maxDelayMs must be ≥ 0");
    this.#seq = options.sequence ?? new SequenceCounter();
    this.#timers = options.timers ?? realTimers;
  }

  /** Readings waiting in the open document. */
  get pending(): number {
    return this.#open.length;
  }

  /** Adds a reading taken with the given clock status; a bad reading is refused, not batched. */
  add(reading: Reading, clk: ClockStatus): Result<void, ModelError> {
    const checked = parseReading(reading);
    if (!checked.ok) return checked;
    if (this.#open.length > 0 && clk !== this.#clk) this.#emit("clock");
    if (this.#open.length === 0) {
      this.#clk = clk;
      this.#timer = this.#timers.setTimeout(() => {
        this.#timer = undefined;
        this.#emit("delay");
      }, this.maxDelayMs);
    }
    this.#o.journal?.(this.#seq.peek(), this.#clk, reading);
    this.#open.push({ ...reading });
    if (this.#open.length >= this.maxCount) this.#emit("count");
    return { ok: true, value: undefined };
  }

  /** Emits the open document now, if any; returns it. */
  flush(): ReadingsDocumentV1 | undefined {
    return this.#emit("flush");
  }

  /** Emits what is open and leaves no timer behind. */
  stop(): void {
    this.#emit("flush");
  }

  #emit(reason: FlushReason): ReadingsDocumentV1 | undefined {
    if (this.#timer !== undefined) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#open.length === 0) return undefined;
    const doc: ReadingsDocumentV1 = {
      v: 1,
      dev: this.#o.deviceId,
      boot: this.#o.bootId,
      seq: this.#seq.next(),
      clk: this.#clk,
      r: this.#open,
    };
    this.#open = [];
    this.#o.onDocument(doc, reason);
    return doc;
  }
}
