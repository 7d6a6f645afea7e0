/* A seeded PRNG for fault campaigns (mulberry32: 32-bit state, good enough to pick schedules) and
 * the seed: XIOT_FAULT_SEED when set, else random. The campaign prints it so a failing schedule can
 * be run again. */
import { randomInt } from "node:crypto";

export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
  /** An independent stream (for a second actor), derived from this seed. */
  fork(salt: number): Rng;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[int(0, items.length - 1)] as (typeof items)[number];
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
      }
      return out;
    },
    fork: (salt) => createRng((Math.imul(seed ^ salt, 0x9e3779b1) + salt) >>> 0),
  };
}

/** XIOT_FAULT_SEED (a 32-bit unsigned integer) or a fresh random seed. */
export function campaignSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.XIOT_FAULT_SEED;
  if (given === undefined || given === "") return randomInt(0, 2 ** 32 - 1);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new Error(`XIOT_FAULT_SEED must be an integer in 0..4294967295, got ${given}`);
  return seed;
}
