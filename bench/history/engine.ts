/* What the benchmark asks of every engine, xiot's and the peers': fed batch by batch, compacted
 * its own way, measured on disk, and queried. A batch is first prepared in the engine's own wire
 * form (untimed, before ingest starts, as TSBS's generate and load phases: the client's encoding
 * is not the engine's ingest, and on a 2-core machine it would compete with the engine for CPU),
 * then written. Every query answers a small figure that must agree
 * across engines (points, buckets, maximum), so a fast wrong answer shows. */
import type { Batch, SeriesRef } from "./data";

/** Sends one prepared batch; resolves once the engine acknowledged it. */
export type Write = () => Promise<void>;

export interface Engine {
  name: string;
  /** How it is fed, for the report: "HTTP" or "engine (in-process)". */
  feed: string;
  start(): Promise<void>;
  /** The batch in the engine's wire form, and the write that sends it (resolves when acknowledged). */
  prepare(batch: Batch): Write;
  /** Its own compaction; resolves when it is done. */
  compact(): Promise<void>;
  bytes(): Promise<number>;
  /** Raw points of one series in [from, to): how many. */
  raw(s: SeriesRef, from: number, to: number): Promise<number>;
  /** 1-hour buckets of one series in [from, to) (count, min, max, mean): how many. */
  hourly(s: SeriesRef, from: number, to: number): Promise<number>;
  /** The maximum over all these series in [from, to). */
  max(series: readonly SeriesRef[], from: number, to: number): Promise<number>;
  stop(): Promise<void>;
}
