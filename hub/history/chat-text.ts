/* A channel's history as one short chat reply: the range and the tier it was read at, how many
 * readings, and for numbers min, mean, max and last with a sparkline over 24 slots of the range;
 * for booleans the share of time on; for strings the last value. Pure.
 * References: docs/design.md §3 (short plain-text replies), docs/history.md (tiers),
 * shared/format.ts (the one number formatter). */
import { formatValue } from "../../shared/format";
import type { ReadingValue } from "../../shared/model";
import type { SeriesRows } from "./service";
import type { Tier } from "./types";

export const SLOTS = 24;
export const BARS = "▁▂▃▄▅▆▇█";
/** A slot of the range without readings. */
export const EMPTY_SLOT = "·";
const SHOWN_STRING = 64;

export interface TrendView {
  device: string;
  channel: string;
  from: number;
  to: number;
  /** How the range was asked, when it was a duration: `last 24h`. */
  label?: string;
  series: SeriesRows;
  unit?: string;
  /** Entries were left out beyond this many (a range too large even for the hour tier). */
  cutAt?: number;
}

/** One entry of a series as weighted values: a raw point counts once, a bucket `n` times. */
interface Sample {
  t: number;
  n: number;
  /** The value the sparkline and the mean use: the point, or the bucket's mean (numbers) or last. */
  v: ReadingValue;
  min?: number;
  max?: number;
  last: ReadingValue;
}

export function samplesOf(series: SeriesRows): Sample[] {
  if (series.tier === "raw") return series.rows.map((p) => ({ t: p.t, n: 1, v: p.v, last: p.v }));
  return series.rows.map((b) => ({
    t: b.t,
    n: b.n,
    v: b.mean ?? b.last,
    last: b.last,
    ...(b.min === undefined ? {} : { min: b.min }),
    ...(b.max === undefined ? {} : { max: b.max }),
  }));
}

export interface NumberStats {
  min: number;
  max: number;
  mean: number;
  count: number;
}

/** min, max and the mean weighted by count, over the numbers only (in time order). */
export function numberStats(samples: readonly Sample[]): NumberStats | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    if (typeof s.v !== "number") continue;
    min = Math.min(min, s.min ?? s.v);
    max = Math.max(max, s.max ?? s.v);
    sum += s.v * s.n;
    count += s.n;
  }
  return count === 0 ? undefined : { min, max, mean: sum / count, count };
}

/** The slot of a time in [from, to): 0 … SLOTS-1 (a bucket starting before `from` is slot 0). */
const slotOf = (t: number, from: number, to: number): number =>
  Math.min(SLOTS - 1, Math.max(0, Math.floor(((t - from) / (to - from)) * SLOTS)));

/** Per slot, the weighted mean of `value` over its samples; undefined for an empty slot. */
function slotMeans(
  samples: readonly Sample[],
  from: number,
  to: number,
  value: (s: Sample) => number | undefined,
) {
  const sums = new Array<number>(SLOTS).fill(0);
  const counts = new Array<number>(SLOTS).fill(0);
  for (const s of samples) {
    const x = value(s);
    if (x === undefined) continue;
    const i = slotOf(s.t, from, to);
    sums[i] = (sums[i] as number) + x * s.n;
    counts[i] = (counts[i] as number) + s.n;
  }
  return sums.map((sum, i) => ((counts[i] as number) > 0 ? sum / (counts[i] as number) : undefined));
}

/** Bars between `lo` (▁) and `hi` (█); all equal: the middle bar; an empty slot: ·. */
export function sparkline(slots: readonly (number | undefined)[], lo?: number, hi?: number): string {
  const known = slots.filter((x): x is number => x !== undefined);
  const low = lo ?? Math.min(...known);
  const high = hi ?? Math.max(...known);
  return slots
    .map((x) => {
      if (x === undefined) return EMPTY_SLOT;
      if (!(high > low)) return BARS[3];
      return BARS[Math.round(((x - low) / (high - low)) * (BARS.length - 1))];
    })
    .join("");
}

/** The share of time a boolean was on, each value holding until the next one (the last until
 * `end`); by count when the readings span no time. */
export function onShare(samples: readonly Sample[], end: number): number {
  const bools = samples.filter((s) => typeof s.last === "boolean");
  let on = 0;
  let total = 0;
  for (const [i, s] of bools.entries()) {
    const span = Math.max(0, (bools[i + 1]?.t ?? Math.max(end, s.t)) - s.t);
    total += span;
    if (s.last === true) on += span;
  }
  if (total > 0) return on / total;
  return bools.filter((s) => s.last === true).length / Math.max(1, bools.length);
}

/** `2026-12-01 17:40Z`. */
export const minuteStamp = (t: number): string => {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
};

const TIER_WORDS: Readonly<Record<Tier, string>> = { raw: "raw", "1m": "1m", "1h": "1h" };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The one reply: a title line, a line of figures, and a sparkline (numbers and booleans). */
export function trendText(v: TrendView): string {
  const range = `${minuteStamp(v.from)} to ${minuteStamp(v.to)}`;
  const samples = samplesOf(v.series);
  const count = samples.reduce((n, s) => n + s.n, 0);
  const last = samples.at(-1)?.last;
  if (last === undefined) return `No readings of ${v.device} ${v.channel} from ${range}.`;
  const head = `${v.device} ${v.channel}, ${v.label ? `${v.label} (${range})` : range}, tier ${TIER_WORDS[v.series.tier]}:`;
  const readings = `${plural(count, "reading")}${v.cutAt ? ` (the first ${v.cutAt} entries)` : ""}`;
  const show = (x: ReadingValue) => formatValue(x, typeof x === "number" ? v.unit : undefined);
  if (typeof last === "number") {
    const s = numberStats(samples) as NumberStats;
    const figures = `min ${show(s.min)}, mean ${show(s.mean)}, max ${show(s.max)}, last ${show(last)}; ${readings}`;
    const line = sparkline(
      slotMeans(samples, v.from, v.to, (x) => (typeof x.v === "number" ? x.v : undefined)),
    );
    return [head, figures, line].join("\n");
  }
  if (typeof last === "boolean") {
    const share = Math.round(onShare(samples, v.to) * 100);
    const line = sparkline(
      slotMeans(samples, v.from, v.to, (x) => (typeof x.last === "boolean" ? Number(x.last) : undefined)),
      0,
      1,
    );
    return [head, `on ${share}% of the time, last ${show(last)}; ${readings}`, line].join("\n");
  }
  const text = last.length > SHOWN_STRING ? `${last.slice(0, SHOWN_STRING)}…` : last;
  return [head, `last "${text}"; ${readings}`].join("\n");
}
