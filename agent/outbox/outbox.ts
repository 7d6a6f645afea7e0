/* References: docs/design.md §2 (append-only readings nodes: republishing an id with the same payload is
 * acknowledged again, a different payload is refused with `conflict`), docs/design.md §4 (the outbox plus
 * idempotent item ids make delivery reliable; do not trust stream management), RFC 6120 §8.3.2
 * (error types), docs/protocol.md ("Publish errors": only a refusal of the document itself quarantines
 * it; every other error is retried, whatever its type).
 *
 * The queue on top of an OutboxStore: while online, publishes the oldest records with at most
 * `maxInFlight` publishes outstanding; removes a record only after the hub's publish result;
 * backs off (exponential, jittered) on retryable errors, transport failures and a store that cannot
 * record an outcome (a full disk); quarantines records refused for good and goes on with the rest.
 * With `maxInFlight: 1` the hub sees strict order. The quarantine is counted (the documents in the
 * store's quarantine at start, plus those quarantined since) for the state item and the status
 * reply; a quarantined record is out of the queue, so it is never published again. */
import type { Logger } from "../../shared/log";
import type { AppendResult, BuildRecord, OutboxRecord, OutboxStore } from "./store";

/** What a publish attempt came to; the XMPP layer maps the IQ result or error onto this. */
export type PublishOutcome =
  | { kind: "ok" }
  /** A condition that may clear (of the hub, the node, the link, a timeout): keep the record, retry later. */
  | { kind: "wait"; reason?: string }
  /** A refusal of the document itself: the same publish would fail again; quarantine it. */
  | { kind: "refused"; reason: string };

export type Publish = (record: OutboxRecord) => Promise<PublishOutcome>;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export interface OutboxOptions {
  store: OutboxStore;
  publish: Publish;
  log: Logger;
  /** Publishes outstanding at once. Default 4. */
  maxInFlight?: number;
  /** Default 1 s doubling up to 60 s; each delay is drawn from [d/2, d]. */
  backoff?: Partial<BackoffOptions>;
  random?: () => number;
  timers?: Timers;
  /** `pause` policy: called with true when the store is full, false once it is below `resumeBelow`. */
  onPressure?: (paused: boolean) => void;
  /** Fullness ratio below which a paused producer may go on. Default 0.9. */
  resumeBelow?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, factor: 2 };

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class Outbox {
  readonly #o: OutboxOptions;
  readonly #backoff: BackoffOptions;
  readonly #timers: Timers;
  readonly #maxInFlight: number;
  readonly #inFlight = new Map<number, Promise<void>>();
  #started = false;
  #online = false;
  #paused = false;
  #attempt = 0;
  #retry: unknown;
  #idle: (() => void)[] = [];
  /** Item ids in the quarantine: a record quarantined twice (a crash between the two writes) counts once. */
  readonly #quarantined = new Set<string>();
  #counted = false;
  readonly #onQuarantined = new Set<(count: number) => void>();

  constructor(options: OutboxOptions) {
    this.#o = options;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#timers = options.timers ?? realTimers;
    this.#maxInFlight = options.maxInFlight ?? 4;
    if (!Number.isInteger(this.#maxInFlight) || this.#maxInFlight < 1)
      throw new TypeError("maxInFlight must be ≥ 1");
  }

  get paused(): boolean {
    return this.#paused;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Documents the hub refused for good: kept in the store's quarantine, never published again. */
  get quarantined(): number {
    return this.#quarantined.size;
  }

  /** Calls `listener` with the new count after each document is quarantined; returns the undo. */
  onQuarantined(listener: (count: number) => void): () => void {
    this.#onQuarantined.add(listener);
    return () => this.#onQuarantined.delete(listener);
  }

  start(): void {
    this.#started = true;
    this.#countQuarantine();
    this.#pump();
  }

  /** Reads the quarantine once, before anything is published (so before anything is quarantined). */
  #countQuarantine(): void {
    if (this.#counted) return;
    this.#counted = true;
    this.#o.store
      .quarantined()
      .then((list) => {
        for (const q of list) this.#quarantined.add(q.itemId);
      })
      .catch((err) => this.#o.log.warn({ err }, "outbox: could not count the quarantine"));
  }

  /** Stops publishing, cancels the retry timer and waits for outstanding publishes to settle. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#cancelRetry();
    await Promise.all(this.#inFlight.values());
  }

  /** The connection came up (drain) or went down (stop issuing; outstanding publishes settle). */
  setOnline(online: boolean): void {
    this.#online = online;
    if (online) {
      this.#attempt = 0;
      this.#pump();
    } else {
      this.#cancelRetry();
      this.#checkIdle();
    }
  }

  /** Stores one document (see BuildRecord) and starts publishing it if online. */
  async enqueue(build: BuildRecord): Promise<AppendResult> {
    const res = await this.#o.store.append(build);
    if (!res.ok && res.error === "full") this.#setPaused(true);
    else if (this.#o.store.limits.policy === "pause" && this.#o.store.usage().ratio >= 1)
      this.#setPaused(true);
    if (res.ok && res.dropped > 0)
      this.#o.log.warn({ dropped: res.dropped }, "outbox full: dropped oldest documents");
    this.#pump();
    return res;
  }

  /** Resolves once nothing is in flight and nothing more can be sent right now. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.#idle.push(resolve);
      this.#checkIdle();
    });
  }

  #canSend(): boolean {
    return this.#started && this.#online && this.#retry === undefined;
  }

  #pump(): void {
    const candidates = this.#canSend() ? this.#o.store.list(this.#inFlight.size + this.#maxInFlight) : [];
    for (const rec of candidates) {
      if (this.#inFlight.size >= this.#maxInFlight) break;
      if (this.#inFlight.has(rec.key)) continue;
      const done = this.#publishOne(rec).finally(() => {
        this.#inFlight.delete(rec.key);
        this.#pump();
      });
      this.#inFlight.set(rec.key, done);
    }
    this.#checkIdle();
  }

  async #publishOne(rec: OutboxRecord): Promise<void> {
    let outcome: PublishOutcome;
    try {
      outcome = await this.#o.publish(rec);
    } catch (err) {
      outcome = { kind: "wait", reason: err instanceof Error ? err.message : String(err) };
    }
    try {
      await this.#settle(rec, outcome);
    } catch (err) {
      // Why not rethrow: nobody awaits this promise but stop(); the record stays queued and is retried
      // after a backoff (publishing it again at once would spin while, say, the disk is full).
      this.#o.log.error({ err, itemId: rec.itemId }, "outbox: could not record a publish outcome");
      this.#scheduleRetry();
    }
  }

  async #settle(rec: OutboxRecord, outcome: PublishOutcome): Promise<void> {
    if (outcome.kind === "ok") {
      await this.#o.store.ack(rec.key);
      this.#attempt = 0;
      this.#maybeResume();
    } else if (outcome.kind === "wait") {
      // A refusal that keeps coming back is worth seeing; the first few are usually a reconnect.
      const level = this.#attempt >= 3 ? "warn" : "debug";
      this.#o.log[level]({ itemId: rec.itemId, reason: outcome.reason }, "outbox: publish must wait");
      this.#scheduleRetry();
    } else {
      const reason = outcome.reason;
      this.#o.log.warn({ itemId: rec.itemId, reason }, "outbox: hub refused document; quarantined");
      await this.#o.store.quarantine(rec.key, reason);
      this.#quarantined.add(rec.itemId);
      for (const listener of this.#onQuarantined) {
        try {
          listener(this.#quarantined.size);
        } catch (err) {
          // Why not rethrow: the record is quarantined; a listener's fault must not make it retried.
          this.#o.log.warn({ err }, "outbox: quarantine listener failed");
        }
      }
      this.#maybeResume();
    }
  }

  #scheduleRetry(): void {
    if (!this.#started || !this.#online || this.#retry !== undefined) return;
    const b = this.#backoff;
    const full = Math.min(b.maxMs, b.initialMs * b.factor ** this.#attempt);
    const delay = full / 2 + (this.#o.random ?? Math.random)() * (full / 2);
    this.#attempt++;
    this.#retry = this.#timers.setTimeout(() => {
      this.#retry = undefined;
      this.#pump();
    }, delay);
  }

  #cancelRetry(): void {
    if (this.#retry === undefined) return;
    this.#timers.clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  #setPaused(paused: boolean): void {
    if (this.#paused === paused) return;
    this.#paused = paused;
    this.#o.log.info(
      { paused },
      paused ? "outbox full: pausing producer" : "outbox has room: resuming producer",
    );
    this.#o.onPressure?.(paused);
  }

  #maybeResume(): void {
    if (this.#paused && this.#o.store.usage().ratio < (this.#o.resumeBelow ?? 0.9)) this.#setPaused(false);
  }

  #checkIdle(): void {
    if (this.#inFlight.size > 0) return;
    if (this.#canSend() && this.#o.store.list(1).length > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
