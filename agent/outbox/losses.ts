/* References: docs/design.md §2 (`gap`), docs/protocol.md ("Readings never lost silently").
 *
 * The file outbox's account of documents it could not store (./reserve.ts holds it on disk): each
 * loss goes into the ledger at once (the next stored document carries it) and into the reserve;
 * the next write to the data log takes the batch over as a `lost` frame written in front of the
 * data frame, and the reserve is emptied. Replay adds the `lost` frames' gaps in the same order, so
 * the ledger comes back as it was; a batch the log already holds (its epoch) is not added twice. */
import { join } from "node:path";
import type { Logger } from "../../shared/log";
import { ENTRY, encodeFrame } from "./log";
import { mergeGap, Reserve } from "./reserve";
import type { OutboxState } from "./state";
import type { PendingGap } from "./store";

export const RESERVE_FILE = "outbox.reserve";

export class Losses {
  #unlogged: PendingGap[];
  #epoch: number;

  private constructor(
    readonly state: OutboxState,
    readonly reserve: Reserve | undefined,
    readonly log: Logger | undefined,
    epoch: number,
    unlogged: PendingGap[],
  ) {
    this.#epoch = epoch;
    this.#unlogged = unlogged;
  }

  /** Opens the reserve in `dir`; `lostEpoch` is the newest batch the replayed data log holds. */
  static async open(dir: string, state: OutboxState, lostEpoch: number, log?: Logger): Promise<Losses> {
    const { reserve, loaded } = await Reserve.open(join(dir, RESERVE_FILE), log);
    const pending = loaded.gaps.length > 0 && loaded.epoch > lostEpoch;
    const epoch = pending ? loaded.epoch : Math.max(loaded.epoch, lostEpoch + 1);
    const losses = new Losses(state, reserve, log, epoch, pending ? loaded.gaps : []);
    if (pending) {
      for (const gap of loaded.gaps) state.addGap(gap);
      log?.warn({ gaps: loaded.gaps }, "outbox: readings of documents never stored are pending as a gap");
    } else if (loaded.gaps.length > 0 || loaded.epoch !== epoch) {
      await losses.#save(); // the log took them over before a crash: empty the reserve
    }
    return losses;
  }

  /** Gaps recorded since the data log last took them over. */
  get pending(): boolean {
    return this.#unlogged.length > 0;
  }

  /** The epoch to note in a compaction's state frame: this batch when it rides in that frame. */
  get loggedEpoch(): number {
    return this.pending ? this.#epoch : this.#epoch - 1;
  }

  /** The `lost` frame to write in front of the next data frame, if anything is pending. */
  frame(): Buffer | undefined {
    return this.pending ? encodeFrame(ENTRY.lost, { epoch: this.#epoch, gaps: this.#unlogged }) : undefined;
  }

  /** A document was not stored: its readings become a pending gap, in memory and in the reserve. */
  async lose(gap: PendingGap | undefined): Promise<void> {
    if (gap === undefined) return;
    this.state.addGap(gap);
    this.#unlogged = mergeGap(this.#unlogged, gap);
    await this.#save();
  }

  /** The data log (or a compaction) now holds the pending batch: start the next one. */
  async logged(): Promise<void> {
    if (!this.pending) return;
    this.#unlogged = [];
    this.#epoch++;
    await this.#save();
  }

  async #save(): Promise<void> {
    if (this.reserve === undefined) return;
    try {
      await this.reserve.write({ epoch: this.#epoch, gaps: this.#unlogged });
    } catch (err) {
      // Why not rethrown: the gap is in the ledger either way; only a crash before the next stored
      // document could lose the count now, and that is what the log line says.
      this.log?.error({ err }, "outbox: could not write the bookkeeping reserve; gap kept in memory");
    }
  }

  close(): Promise<void> {
    return this.reserve?.close() ?? Promise.resolve();
  }
}
