/* Jittered exponential backoff: "full jitter" between half and all of the exponential delay,
 * so a fleet of agents that lost the same server does not reconnect in lockstep. */

export interface BackoffOptions {
  /** First delay in ms (default 1000). */
  initialMs?: number;
  /** Cap in ms (default 60 000). */
  maxMs?: number;
  /** Growth factor (default 2). */
  factor?: number;
  /** Random source in [0, 1) (default Math.random). */
  random?: () => number;
}

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor({ initialMs = 1000, maxMs = 60_000, factor = 2, random = Math.random }: BackoffOptions = {}) {
    if (!(initialMs > 0) || !(maxMs >= initialMs) || !(factor >= 1)) {
      throw new RangeError(`invalid backoff: initialMs=${initialMs} maxMs=${maxMs} factor=${factor}`);
    }
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.factor = factor;
    this.random = random;
  }

  /** The delay before the next attempt; each call grows the following one. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
