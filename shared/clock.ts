/* Time as the code sees it: injected everywhere so that tests can drive it.
 * `Clock` tells the time; `TimerClock` can also run a callback later (drivers, debouncers). */

export interface Clock {
  /** ms since the epoch (UTC). */
  now(): number;
}

export interface TimerClock extends Clock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Device-side callbacks return one of these to stop listening. */
export type Unsubscribe = () => void;
