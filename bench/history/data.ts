/* The generated readings every engine is fed, the same for all of them: N devices × C channels
 * at a fixed cadence over a number of days ending at `end`, values with 2 decimals (a daily cycle,
 * a mean-reverting drift and sensor noise, per channel kind), and a few gaps per device (the
 * device offline for 5 min to 6 h). Seeded, so every engine sees identical batches. A batch is one
 * device's readings, about `batch` of them (fewer where a gap falls), as one publish carries. */
import type { Reading } from "../../shared/model";

export interface DataOptions {
  devices: number;
  channels: number;
  days: number;
  batch: number;
  cadenceMs: number;
  /** End of the data (exclusive), ms; start is `end - days`. */
  end: number;
  seed: number;
}

export interface Batch {
  device: string;
  readings: Reading[];
}

export interface SeriesRef {
  device: string;
  channel: string;
}

const DAY = 86_400_000;
const KINDS = ["temperature", "humidity", "pressure", "battery", "co2", "lux", "noise", "soil"];
/** base, daily amplitude, drift step, noise, lower bound, upper bound */
const PROFILE: Record<string, readonly [number, number, number, number, number, number]> = {
  temperature: [21, 3, 0.02, 0.05, -40, 85],
  humidity: [55, 10, 0.05, 0.3, 0, 100],
  pressure: [1013, 0, 0.05, 0.03, 900, 1100],
  battery: [3.7, 0, 0.001, 0.004, 3, 4.2],
  co2: [600, 150, 1, 4, 400, 5000],
  lux: [300, 280, 2, 5, 0, 100000],
  noise: [40, 8, 0.1, 1.5, 20, 120],
  soil: [35, 1, 0.01, 0.1, 0, 100],
};

export const deviceId = (i: number): string => `d${String(i).padStart(4, "0")}`;
export const channelName = (j: number): string =>
  j < KINDS.length ? (KINDS[j] as string) : `${KINDS[j % KINDS.length]}_${Math.floor(j / KINDS.length)}`;

export function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

export const sampleCount = (o: DataOptions): number => Math.floor((o.days * DAY) / o.cadenceMs);
export const startOf = (o: DataOptions): number => o.end - sampleCount(o) * o.cadenceMs;

interface DeviceState {
  next: () => number;
  drift: number[];
  phase: number[];
  gaps: [number, number][]; // sample index ranges [from, to)
}

function deviceState(o: DataOptions, d: number): DeviceState {
  const next = random(o.seed * 7919 + d + 1);
  const n = sampleCount(o);
  const gaps: [number, number][] = [];
  for (let g = 0; g < 3; g++) {
    const from = Math.floor(next() * n);
    const len = Math.ceil(((5 + next() * 355) * 60_000) / o.cadenceMs);
    gaps.push([from, from + len]);
  }
  return {
    next,
    drift: Array.from({ length: o.channels }, () => 0),
    phase: Array.from({ length: o.channels }, () => next() * 2 * Math.PI),
    gaps,
  };
}

function value(s: DeviceState, j: number, t: number): number {
  const [base, amp, step, noise, lo, hi] = PROFILE[KINDS[j % KINDS.length] as string] ?? [
    0, 1, 0.1, 0.1, -1e9, 1e9,
  ];
  const drift = (s.drift[j] as number) * 0.999 + step * gaussian(s.next);
  s.drift[j] = drift;
  const cycle = amp * Math.sin((2 * Math.PI * t) / DAY + (s.phase[j] as number));
  const x = base + cycle + drift * 20 + noise * gaussian(s.next);
  return Math.round(Math.min(hi, Math.max(lo, x)) * 100) / 100;
}

/** Every batch, in time order: per time slice, one batch per device. */
export function* batches(o: DataOptions): Generator<Batch> {
  const states = Array.from({ length: o.devices }, (_, d) => deviceState(o, d));
  const names = Array.from({ length: o.channels }, (_, j) => channelName(j));
  const per = Math.max(1, Math.floor(o.batch / o.channels));
  const n = sampleCount(o);
  const start = startOf(o);
  for (let from = 0; from < n; from += per) {
    for (let d = 0; d < o.devices; d++) {
      const s = states[d] as DeviceState;
      const readings: Reading[] = [];
      for (let i = from; i < Math.min(n, from + per); i++) {
        if (s.gaps.some(([a, b]) => i >= a && i < b)) continue;
        const t = start + i * o.cadenceMs;
        for (let j = 0; j < o.channels; j++) readings.push({ c: names[j] as string, t, v: value(s, j, t) });
      }
      if (readings.length > 0) yield { device: deviceId(d), readings };
    }
  }
}

/** The series of the "max over 100 channels" query: the first devices' channels, 100 or all. */
export function hundredSeries(o: DataOptions): SeriesRef[] {
  const out: SeriesRef[] = [];
  for (let d = 0; d < o.devices && out.length < 100; d++)
    for (let j = 0; j < o.channels && out.length < 100; j++)
      out.push({ device: deviceId(d), channel: channelName(j) });
  return out;
}
