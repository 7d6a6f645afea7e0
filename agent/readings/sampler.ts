/* Sampling: polled channels on their own jittered schedules, push channels as values arrive,
 * actuators whenever their state changes; every value goes through the channel's filters.
 * References: docs/design.md §1 (the agent samples channels on schedules and filters them), docs/design.md §2
 * (a reading carries channel, time in ms UTC, value and quality; `q` omitted when good).
 *
 * A failed read is a logged fault, never a crash; a driver that keeps failing is retried with
 * exponential backoff (interval doubling up to `maxBackoffMs`) and back on schedule after one
 * good read. */
import type { Sample, Samples } from "../../devices/types";
import type { Logger } from "../../shared/log";
import type { Reading } from "../../shared/model";
import type { OpenChannel } from "../channels";
import { createFilterSet, type FilterSet } from "./filters";

export interface SamplerTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SamplerOptions {
  channels: OpenChannel[];
  log: Logger;
  /** Receives each reading that passed its filters. */
  onReading: (reading: Reading) => void;
  /** Receives each reading as the driver produced it, before filters (debug.recordReadings). */
  onProduced?: (reading: Reading) => void;
  timers?: SamplerTimers;
  random?: () => number;
  /** Filter tick (throttle releases, heartbeats). Default 1000 ms. */
  tickMs?: number;
  /** Longest wait between attempts at a failing driver. Default 60 s. */
  maxBackoffMs?: number;
}

const realTimers: SamplerTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class Sampler {
  readonly #o: SamplerOptions;
  readonly #t: SamplerTimers;
  readonly #filters: FilterSet;
  readonly #timers = new Map<string, unknown>();
  readonly #failures = new Map<string, number>();
  readonly #unsubscribe: (() => void)[] = [];
  #tick: unknown;
  #running = false;
  #paused = false;

  constructor(options: SamplerOptions) {
    this.#o = options;
    this.#t = options.timers ?? realTimers;
    const filterConfigs = Object.fromEntries(
      options.channels.flatMap((o) => o.channels.map((c) => [c.name, o.config.filters])),
    );
    this.#filters = createFilterSet(filterConfigs);
  }

  start(): void {
    this.#running = true;
    for (const ch of this.#o.channels) {
      const d = ch.driver;
      if (d.acquisition === "poll") this.#schedule(ch, 0);
      else if (d.acquisition === "push") {
        this.#unsubscribe.push(
          d.subscribe(
            (samples) => this.#accept(ch, samples),
            (error) => this.#o.log.warn({ err: error, channel: ch.key }, "device fault"),
          ),
        );
      } else void this.#readOnce(ch);
    }
    this.#tick = this.#t.setTimeout(() => this.#onTick(), this.#o.tickMs ?? 1000);
  }

  stop(): void {
    this.#running = false;
    for (const handle of this.#timers.values()) this.#t.clearTimeout(handle);
    this.#timers.clear();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    if (this.#tick !== undefined) this.#t.clearTimeout(this.#tick);
    this.#tick = undefined;
  }

  /** The outbox is full under the `pause` policy: polled channels skip their reads meanwhile. */
  pause(paused: boolean): void {
    this.#paused = paused;
  }

  /** An actuator's new state (after a command or the safe state), under its published name. */
  report(channel: string, sample: Sample): void {
    this.#emit({ c: channel, t: Math.round(sample.t ?? this.#t.now()), v: sample.value, q: sample.quality });
  }

  #schedule(ch: OpenChannel, delayMs: number): void {
    if (!this.#running) return;
    this.#timers.set(
      ch.key,
      this.#t.setTimeout(() => void this.#poll(ch), delayMs),
    );
  }

  async #poll(ch: OpenChannel): Promise<void> {
    if (this.#paused) return this.#schedule(ch, this.#nextDelay(ch));
    await this.#readOnce(ch);
    this.#schedule(ch, this.#nextDelay(ch));
  }

  async #readOnce(ch: OpenChannel): Promise<void> {
    try {
      const samples = await ch.driver.read();
      if (this.#failures.get(ch.key)) this.#o.log.info({ channel: ch.key }, "device reads again");
      this.#failures.delete(ch.key);
      if (this.#running) this.#accept(ch, samples);
    } catch (error) {
      const n = (this.#failures.get(ch.key) ?? 0) + 1;
      this.#failures.set(ch.key, n);
      // Log the first failure and then every tenth, so a dead sensor does not flood the log.
      if (n === 1 || n % 10 === 0)
        this.#o.log.warn({ err: error, channel: ch.key, failures: n }, "device read failed");
    }
  }

  #nextDelay(ch: OpenChannel): number {
    const interval = ch.config.intervalMs;
    const failures = this.#failures.get(ch.key) ?? 0;
    const base =
      failures === 0
        ? interval
        : Math.min(
            Math.max(interval, this.#o.maxBackoffMs ?? 60_000),
            interval * 2 ** Math.min(failures, 20),
          );
    const jitter = ch.config.jitter;
    return Math.max(0, base * (1 - jitter + 2 * jitter * (this.#o.random ?? Math.random)()));
  }

  #accept(ch: OpenChannel, samples: Samples): void {
    for (const [name, sample] of Object.entries(samples)) {
      const c = ch.names.get(name);
      if (c === undefined) continue;
      this.#emit({ c, t: Math.round(sample.t ?? this.#t.now()), v: sample.value, q: sample.quality });
    }
  }

  #emit(r: Reading): void {
    const reading: Reading = { c: r.c, t: r.t, v: r.v };
    if (r.q !== undefined) reading.q = r.q;
    this.#o.onProduced?.(reading);
    const passed = this.#filters.push(reading);
    if (passed !== undefined) this.#o.onReading(passed);
  }

  #onTick(): void {
    if (!this.#running) return;
    for (const r of this.#filters.tick(this.#t.now())) this.#o.onReading(r);
    this.#tick = this.#t.setTimeout(() => this.#onTick(), this.#o.tickMs ?? 1000);
  }
}
