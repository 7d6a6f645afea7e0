/* The head of the chunked history engine (./sqlite-chunks.ts): readings of windows not sealed yet,
 * as fragments. One `add` writes one fragment per series window it touches (its readings encoded
 * by ./chunk-codec.ts, not deflated: a fragment lives until its window is sealed), with its first
 * and last time (`lo`, `hi`) indexed.
 *
 * - Each time of a series is in at most one fragment. Readings in order (an agent's next batch)
 *   start after every fragment of their window ends, so nothing is read back; readings that
 *   reach into a window's fragments (sent again, or late) are merged with the fragments they
 *   overlap into one, which replaces them.
 * - Sealing a window decodes its fragments into one chunk; a query reads the fragments of the
 *   windows it covers, window by window.
 * - Heads of hubs before chunk schema version 3 were rows, one per reading: `moveRowHead` turns
 *   them into fragments once (./chunk-schema.ts). */
import type { Database } from "better-sqlite3";
import type { Reading } from "../../shared/model";
import { decodeChunk, encodeChunk } from "./chunk-codec";
import type { ChunkStatements } from "./chunk-statements";
import { fromColumns } from "./sqlite-values";
import type { AddResult, RawPoint } from "./types";

/** Whether two readings of one time hold the same value and quality (then one is a duplicate). */
export const sameValue = (a: RawPoint, b: RawPoint): boolean => a.v === b.v && a.q === b.q;
export const pointOf = (r: Reading): RawPoint =>
  r.q === undefined ? { t: r.t, v: r.v } : { t: r.t, v: r.v, q: r.q };
const byTime = (a: RawPoint, b: RawPoint): number => a.t - b.t;

/** Readings of one series window, one per time (a later one in the same batch replaces an
 * earlier one with another value; one with the same value is a duplicate). */
export class HeadBatch {
  /** The batch's last value for each time. */
  readonly points = new Map<number, RawPoint>();
  /** Its first value for a time it gave more than one value (rare): what the head's is judged by. */
  private firsts: Map<number, RawPoint> | undefined;
  constructor(
    readonly series: number,
    readonly start: number,
  ) {}

  add(r: Reading, result: AddResult): void {
    const old = this.points.get(r.t);
    const p = pointOf(r);
    if (old && sameValue(old, p)) result.duplicates++;
    else {
      if (old && !this.firsts?.has(r.t)) {
        this.firsts ??= new Map();
        this.firsts.set(r.t, old);
      }
      this.points.set(r.t, p);
      result.added++;
    }
  }

  /** The batch's first value for time `t`: the one compared with what the head already holds. */
  first(t: number): RawPoint | undefined {
    return this.firsts?.get(t) ?? this.points.get(t);
  }
}

/** Writes one fragment of points sorted by time, each time once. */
function putFragment(st: ChunkStatements, series: number, start: number, points: readonly RawPoint[]): void {
  const lo = (points[0] as RawPoint).t;
  const hi = (points.at(-1) as RawPoint).t;
  st.frag.put.run(series, start, lo, hi, points.length, encodeChunk(points, { deflate: false }));
}

/** Writes a batch into the head: one new fragment, merged with the fragments it overlaps. */
export function putHead(st: ChunkStatements, batch: HeadBatch, result: AddResult): void {
  const mine = [...batch.points.values()].sort(byTime);
  const [lo, hi] = [(mine[0] as RawPoint).t, (mine.at(-1) as RawPoint).t];
  const overlapped = st.frag.overlapping.all(batch.series, batch.start, lo, hi);
  if (overlapped.length === 0) {
    putFragment(st, batch.series, batch.start, mine);
    return;
  }
  const merged = new Map<number, RawPoint>();
  for (const f of overlapped) {
    for (const p of decodeChunk(f.data)) merged.set(p.t, p);
    st.frag.drop.run(f.id);
  }
  for (const p of mine) {
    // The batch counted its first value for this time as added: it is a duplicate when the head
    // held that value already. Its last value is what stays.
    const old = merged.get(p.t);
    if (old && sameValue(old, batch.first(p.t) as RawPoint)) {
      result.added--;
      result.duplicates++;
    }
    merged.set(p.t, p);
  }
  putFragment(st, batch.series, batch.start, [...merged.values()].sort(byTime));
}

/** A series' head readings in [from, to), in time order, whole windows at a time until at least
 * `most` are read; `firstWindow` is the start of the window that holds `from`. */
export function headPoints(
  st: ChunkStatements,
  series: number,
  range: { firstWindow: number; from: number; to: number },
  most: number,
): RawPoint[] {
  const { from, to } = range;
  const out: RawPoint[] = [];
  let window: RawPoint[] = [];
  let start: number | undefined;
  const flush = (): boolean => {
    out.push(...window.sort(byTime));
    window = [];
    return out.length >= most;
  };
  for (const f of st.frag.range.iterate(series, range.firstWindow, to, from, to)) {
    if (f.start !== start && start !== undefined && flush()) return out;
    start = f.start;
    for (const p of decodeChunk(f.data)) if (p.t >= from && p.t < to) window.push(p);
  }
  flush();
  return out;
}

/** The start of a series' oldest head window, if it has one. */
export const oldestHeadWindow = (st: ChunkStatements, series: number): number | undefined =>
  st.frag.oldest.get(series)?.start ?? undefined;

/** A head window's readings in time order; drops them from the head. */
export function takeHeadWindow(st: ChunkStatements, series: number, start: number): RawPoint[] {
  const points: RawPoint[] = [];
  for (const data of st.frag.window.all(series, start)) points.push(...decodeChunk(data));
  st.frag.dropWindow.run(series, start);
  return points.sort(byTime);
}

type RowHead = [series: number, t: number, v: number | string, k: number | null, q: string | null];

/** Moves a head kept as rows (chunk schema version 2 and before) into fragments, one per series
 * window, and drops its table. Runs inside the caller's transaction. */
export function moveRowHead(db: Database, st: ChunkStatements, windowOf: (t: number) => number): void {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'history_chunk_head'")
    .get();
  if (!exists) return;
  const rows = db
    .prepare("SELECT series, t, v, k, q FROM history_chunk_head ORDER BY series, t")
    .raw(true)
    .all() as RowHead[];
  let batch: { series: number; start: number; points: RawPoint[] } | undefined;
  const write = (): void => {
    if (batch) putFragment(st, batch.series, batch.start, batch.points);
  };
  for (const [series, t, v, k, q] of rows) {
    const start = windowOf(t);
    if (batch?.series !== series || batch.start !== start) {
      write();
      batch = { series, start, points: [] };
    }
    const p: RawPoint = { t, v: fromColumns(v, k) };
    if (q !== null) p.q = q as RawPoint["q"];
    batch.points.push(p);
  }
  write();
  db.exec("DROP TABLE history_chunk_head");
}
