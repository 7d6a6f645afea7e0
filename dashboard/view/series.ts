/* One channel's time series as the chart draws it: raw points, or the hub's buckets (1m, 1h) as
 * their mean with a min/max band; kept in time order, without duplicates (history and live
 * notifications overlap), trimmed to a window. Pure: no DOM.
 * References: docs/history.md (tiers; buckets carry n, min, max, mean, first, last). */
import { formatValue as formatShared } from "../../shared/format";
import type { ReadingValue } from "../../shared/model";
import type { HistoryBucket } from "../../shared/xmpp/history";

export const WINDOW_MS = 15 * 60_000;
export const MAX_POINTS = 2000;

export type Resolution = "raw" | "1m" | "1h";
export const BUCKET_MS: Record<Exclude<Resolution, "raw">, number> = { "1m": 60_000, "1h": 3_600_000 };

/** A reading value as a number on the y axis: booleans are 0/1, text is not drawn. */
export function plotValue(v: ReadingValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

export interface SeriesOptions {
  resolution?: Resolution;
  /** Entries older than the newest minus this go (Infinity: none). */
  windowMs?: number;
  maxPoints?: number;
  /** Live readings before this time are already in the buckets drawn (bucket resolutions only). */
  coveredUntil?: number;
  /** The range picked, in ms: the x axis spans it (a live one slides with the newest entry). */
  span?: { from: number; to: number };
}

export class Series {
  /** Times in ms, ascending: a reading's time or a bucket's start. */
  readonly times: number[] = [];
  /** A reading's value, or a bucket's mean (its last value when it has no mean: a boolean). */
  readonly values: number[] = [];
  /** A bucket's min and max; null for raw points and buckets without them. */
  readonly mins: (number | null)[] = [];
  readonly maxs: (number | null)[] = [];
  /** How many readings a bucket holds (1 for a raw point): a live reading folds into its mean. */
  private readonly counts: number[] = [];
  last: { t: number; v: ReadingValue } | undefined;
  readonly resolution: Resolution;
  private readonly windowMs: number;
  private readonly maxPoints: number;
  private readonly coveredUntil: number;
  private readonly span: { from: number; to: number } | undefined;

  constructor(options: SeriesOptions = {}) {
    this.resolution = options.resolution ?? "raw";
    this.windowMs = options.windowMs ?? WINDOW_MS;
    this.maxPoints = options.maxPoints ?? MAX_POINTS;
    this.coveredUntil = options.coveredUntil ?? Number.NEGATIVE_INFINITY;
    this.span = options.span;
  }

  /** The x axis in seconds: the range picked, a live one ending at the newest entry; without a
   * range the data's own span, a lone point with a minute either side. */
  xRange(): [number, number] | undefined {
    const first = this.times[0];
    const newest = this.times[this.times.length - 1];
    if (this.span) {
      const hi = Math.max(this.span.to, newest ?? Number.NEGATIVE_INFINITY);
      const lo = Number.isFinite(this.windowMs) ? hi - this.windowMs : this.span.from;
      return [lo / 1000, hi / 1000];
    }
    if (first === undefined || newest === undefined) return undefined;
    return first === newest ? [first / 1000 - 60, first / 1000 + 60] : [first / 1000, newest / 1000];
  }

  /** Whether the chart has a min/max band: buckets with a spread. */
  get banded(): boolean {
    return this.resolution !== "raw" && this.mins.some((m) => m !== null);
  }

  /** Adds one reading: a point at raw resolution, else folded into its bucket. Returns false
   * when nothing changed (a point already there, a reading the buckets already hold). */
  add(t: number, v: ReadingValue): boolean {
    if (this.resolution !== "raw" && t < this.coveredUntil) return false;
    this.noteLast(t, v);
    const y = plotValue(v);
    if (y === undefined) return true;
    if (this.resolution !== "raw") return this.fold(t, y);
    const i = this.slot(t);
    if (i > 0 && this.times[i - 1] === t) return false;
    this.insert(i, t, y, null, null, 1);
    return true;
  }

  /** Adds one of the hub's buckets (its start time); false when that bucket is already there. */
  addBucket(b: HistoryBucket): boolean {
    this.noteLast(b.t, b.last);
    const y = b.mean ?? plotValue(b.last);
    if (y === undefined) return true;
    const i = this.slot(b.t);
    if (i > 0 && this.times[i - 1] === b.t) return false;
    this.insert(i, b.t, y, b.min ?? null, b.max ?? null, b.n);
    return true;
  }

  /** uPlot's data: x in seconds; with a band, min and max follow the line. */
  data(): [number[], ...(number | null)[][]] {
    const x = this.times.map((t) => t / 1000);
    return this.banded ? [x, [...this.values], [...this.mins], [...this.maxs]] : [x, [...this.values]];
  }

  private noteLast(t: number, v: ReadingValue): void {
    if (this.last === undefined || t >= this.last.t) this.last = { t, v };
  }

  /** Where time t goes: after every entry not later than it. */
  private slot(t: number): number {
    let i = this.times.length;
    while (i > 0 && this.times[i - 1]! > t) i--;
    return i;
  }

  private fold(t: number, y: number): boolean {
    const size = BUCKET_MS[this.resolution as Exclude<Resolution, "raw">];
    const start = Math.floor(t / size) * size;
    const i = this.slot(start);
    if (i === 0 || this.times[i - 1] !== start) {
      this.insert(i, start, y, y, y, 1);
      return true;
    }
    const k = i - 1;
    const n = this.counts[k]!;
    this.values[k] = (this.values[k]! * n + y) / (n + 1);
    this.counts[k] = n + 1;
    this.mins[k] = Math.min(this.mins[k] ?? y, y);
    this.maxs[k] = Math.max(this.maxs[k] ?? y, y);
    return true;
  }

  private insert(i: number, t: number, y: number, min: number | null, max: number | null, n: number): void {
    this.times.splice(i, 0, t);
    this.values.splice(i, 0, y);
    this.mins.splice(i, 0, min);
    this.maxs.splice(i, 0, max);
    this.counts.splice(i, 0, n);
    this.trim();
  }

  private trim(): void {
    const newest = this.times[this.times.length - 1] ?? 0;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! < newest - this.windowMs) drop++;
    drop = Math.max(drop, this.times.length - this.maxPoints);
    if (drop > 0)
      for (const list of [this.times, this.values, this.mins, this.maxs, this.counts]) list.splice(0, drop);
  }
}

/** The last value as shown large: numbers with at most 2 decimals, booleans as on/off. */
export function formatValue(v: ReadingValue | undefined): string {
  // The one formatter of chat, status and the dashboard (shared/format.ts).
  return v === undefined ? "–" : formatShared(v);
}
