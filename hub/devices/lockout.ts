/* Failed-attempt counters with exponential lockout, kept in the store so they survive restarts.
 * After `freeFailures` failures a scope is locked for `baseMs`, doubling with each further
 * failure up to `maxMs`; a scope quiet for `resetAfterMs` starts again from zero. An attempt in
 * a locked scope is refused before any key is looked at and does not extend the lock. */
import type { DeviceStore } from "./store";
import type { AttemptRecord, LockoutPolicy } from "./types";

export const claimantScope = (bare: string): string => `claimant:${bare}`;
export const deviceScope = (id: string): string => `device:${id}`;

/** Lock duration after the given number of consecutive failures. */
export function lockoutMs(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.baseMs * 2 ** (failures - policy.freeFailures), policy.maxMs);
}

/** The latest instant until which any of the scopes is locked, or undefined when none is. */
export async function lockedUntil(
  store: DeviceStore,
  scopes: string[],
  now: number,
): Promise<number | undefined> {
  let until: number | undefined;
  for (const scope of scopes) {
    const record = await store.getAttempts(scope);
    if (record && record.lockedUntil > now) until = Math.max(until ?? 0, record.lockedUntil);
  }
  return until;
}

export async function recordFailure(
  store: DeviceStore,
  scope: string,
  now: number,
  policy: LockoutPolicy,
): Promise<AttemptRecord> {
  const previous = await store.getAttempts(scope);
  const fresh = !previous || now - previous.lastFailure > policy.resetAfterMs;
  const failures = (fresh ? 0 : previous.failures) + 1;
  const lock = lockoutMs(failures, policy);
  const record = { scope, failures, lockedUntil: lock > 0 ? now + lock : 0, lastFailure: now };
  await store.putAttempts(record);
  return record;
}

/** Runs tasks one at a time, in order: counters are read and written without interleaving. */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    // The queue only orders tasks; each caller gets its own task's outcome through `run`.
    tail = run.catch(() => undefined);
    return run;
  };
}
