/* One channel's time series as the chart draws it: points kept in time order, without
 * duplicates (history and live notifications overlap), trimmed to a window. Pure: no DOM. */
import { formatValue as formatShared } from "../../shared/format";
import type { ReadingValue } from "../../shared/model";

export const WINDOW_MS = 15 * 60_000;
export const MAX_POINTS = 2000;

/** A reading value as a number on the y axis: booleans are 0/1, text is not drawn. */
export function plotValue(v: ReadingValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

export class Series {
  /** Times in ms, ascending. */
  readonly times: number[] = [];
  readonly values: number[] = [];
  last: { t: number; v: ReadingValue } | undefined;

  /** Adds one reading; returns false when it was already there. */
  add(t: number, v: ReadingValue): boolean {
    if (this.last === undefined || t >= this.last.t) this.last = { t, v };
    const y = plotValue(v);
    if (y === undefined) return true;
    let i = this.times.length;
    while (i > 0 && this.times[i - 1]! > t) i--;
    if (i > 0 && this.times[i - 1] === t) return false;
    this.times.splice(i, 0, t);
    this.values.splice(i, 0, y);
    this.trim();
    return true;
  }

  private trim(): void {
    const newest = this.times[this.times.length - 1] ?? 0;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! < newest - WINDOW_MS) drop++;
    drop = Math.max(drop, this.times.length - MAX_POINTS);
    if (drop > 0) {
      this.times.splice(0, drop);
      this.values.splice(0, drop);
    }
  }

  /** uPlot's data: x in seconds. */
  data(): [number[], number[]] {
    return [this.times.map((t) => t / 1000), [...this.values]];
  }
}

/** The last value as shown large: numbers with at most 2 decimals, booleans as on/off. */
export function formatValue(v: ReadingValue | undefined): string {
  // The one formatter of chat, status and the dashboard (shared/format.ts).
  return v === undefined ? "–" : formatShared(v);
}
