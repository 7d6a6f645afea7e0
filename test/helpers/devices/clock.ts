/* A manual clock for device tests: time moves only when the test says so, and timers fire in order. */
import { systemClock } from "../../../devices/context";
import type { Clock, DriverContext } from "../../../devices/types";
import { silentLogger } from "../../../shared/log";

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = end;
    },
  };
}

/** The production clock, for tests that run against real processes and ptys. */
export function realClock(): Clock {
  return systemClock;
}

export function testContext(overrides: Partial<DriverContext> = {}): DriverContext {
  return { clock: manualClock(), log: silentLogger(), sysfsRoot: "/nonexistent", ...overrides };
}
