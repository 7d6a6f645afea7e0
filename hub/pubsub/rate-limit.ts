/* Per-JID token bucket for publishes (wait + policy-violation when exhausted). A refusal must
 * cost next to nothing, since a flooding device sends mostly refused publishes: `peek()` lets the
 * protocol edge refuse before it serialises the payload or the service touches storage; neither
 * call allocates for a known key, and pruning idle buckets is amortised (at most once per
 * `pruneEveryMs`, and only above `maxKeys`), never a scan per call.
 * References: RFC 6120 §8.3.3.12 (policy-violation), XEP-0060 §7.1.3 (publish errors),
 * BENCHMARKS.md "Flood" (bench/flood/main.ts). */
import type { Clock } from "./types";

export interface RateLimiter {
  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean;
  /** True when `take(key)` would succeed now; takes nothing. */
  peek(key: string): boolean;
}

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimiterOptions {
  /** Above this many buckets, full ones are pruned (default 10,000). */
  maxKeys?: number;
  /** Prune at most this often (default 1 s). */
  pruneEveryMs?: number;
}

export function createRateLimiter(
  clock: Clock,
  perSecond: number,
  burst: number,
  { maxKeys = 10_000, pruneEveryMs = 1000 }: RateLimiterOptions = {},
): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const capacity = Math.max(1, burst);
  let prunedAt = Number.NEGATIVE_INFINITY;

  const level = (b: Bucket, now: number) => Math.min(capacity, b.tokens + ((now - b.at) / 1000) * perSecond);

  /** A refilled bucket carries no state worth keeping. */
  function prune(now: number): void {
    if (buckets.size <= maxKeys || now - prunedAt < pruneEveryMs) return;
    prunedAt = now;
    for (const [k, b] of buckets) if (level(b, now) >= capacity) buckets.delete(k);
  }

  return {
    take(key) {
      const now = clock.now();
      const b = buckets.get(key);
      if (b === undefined) {
        buckets.set(key, { tokens: capacity - 1, at: now });
        prune(now);
        return true;
      }
      b.tokens = level(b, now);
      b.at = now;
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
    peek(key) {
      const b = buckets.get(key);
      return b === undefined || level(b, clock.now()) >= 1;
    },
  };
}
