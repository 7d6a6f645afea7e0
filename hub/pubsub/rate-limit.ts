/* Per-JID token bucket for publishes (wait + policy-violation when exhausted). */
import type { Clock } from "./types";

export interface RateLimiter {
  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean;
}

export function createRateLimiter(clock: Clock, perSecond: number, burst: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const capacity = Math.max(1, burst);
  return {
    take(key) {
      const now = clock.now();
      const b = buckets.get(key) ?? { tokens: capacity, at: now };
      b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * perSecond);
      b.at = now;
      if (b.tokens < 1) {
        buckets.set(key, b);
        return false;
      }
      b.tokens -= 1;
      buckets.set(key, b);
      // Keep the map bounded: a refilled bucket carries no state worth keeping.
      if (buckets.size > 10_000) {
        for (const [k, v] of buckets)
          if (v.tokens + ((now - v.at) / 1000) * perSecond >= capacity) buckets.delete(k);
      }
      return true;
    },
  };
}
