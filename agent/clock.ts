/* Is the board's clock synchronised, and what time is it at the hub?
 * References: docs/design.md §2 (readings taken before time sync carry `clk: "unsync"`; the agent learns
 * the offset to the hub's clock at connect), docs/design.md §2 (commands expire by the hub's clock;
 * no command is judged before the offset is known), docs/protocol.md ("The hub's clock").
 *
 * The hub's time is unknown until the first offset has been learnt: `hubNow()` is then undefined,
 * and `whenKnown()` lets a command wait (bounded) for it instead of being judged by the board's
 * own clock, which may be a day off.
 *
 * `clock.synced`:
 *   true / false  trust the configuration (a board with an RTC, or a test);
 *   auto          1. systemd-timesyncd's flag file /run/systemd/timesync/synchronized exists → sync;
 *                 2. else `timedatectl show -p NTPSynchronized --value` says yes/no (chrony, ntpd
 *                    and timesyncd all set the kernel's sync status it reports), re-asked every
 *                    minute;
 *                 3. else (no systemd: containers, minimal images) the server's clock decides:
 *                    sync once the learnt offset is within `maxOffsetMs`, unsync before any
 *                    offset was learnt. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import type { TimerClock } from "../shared/clock";
import type { Logger } from "../shared/log";

export type SyncMode = "auto" | "true" | "false";
type SystemAnswer = "yes" | "no" | "unknown";

export interface ClockOptions {
  mode: SyncMode;
  maxOffsetMs: number;
  log: Logger;
  now?: () => number;
  /** Injectable system probe (tests); default reads the flag file and asks timedatectl. */
  probe?: () => Promise<SystemAnswer>;
  probeEveryMs?: number;
  /** Timers for `whenKnown` (tests); default the global ones, unref'd. */
  timers?: Pick<TimerClock, "setTimeout" | "clearTimeout">;
}

export const TIMESYNC_FLAG = "/run/systemd/timesync/synchronized";

export function systemProbe(): Promise<SystemAnswer> {
  if (existsSync(TIMESYNC_FLAG)) return Promise.resolve("yes");
  return new Promise((resolve) => {
    execFile("timedatectl", ["show", "-p", "NTPSynchronized", "--value"], { timeout: 2000 }, (err, out) => {
      // Why no error is reported: a missing timedatectl (no systemd) is an answer, "unknown".
      if (err) return resolve("unknown");
      const word = out.trim();
      resolve(word === "yes" ? "yes" : word === "no" ? "no" : "unknown");
    });
  });
}

export class AgentClock {
  readonly #o: ClockOptions;
  readonly #now: () => number;
  #system: SystemAnswer = "unknown";
  #offset: number | undefined;
  #uncertainty = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #waiting = new Set<() => void>();

  constructor(options: ClockOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.#o.mode !== "auto") return;
    await this.#ask();
    this.#timer = setInterval(() => void this.#ask(), this.#o.probeEveryMs ?? 60_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Offset to the hub's clock learnt at connect (remote − local, ms), good to ±`uncertaintyMs`. */
  setOffset(offsetMs: number, uncertaintyMs = 0): void {
    this.#offset = offsetMs;
    this.#uncertainty = uncertaintyMs;
    for (const wake of [...this.#waiting]) wake();
  }

  get offsetMs(): number | undefined {
    return this.#offset;
  }

  /** The most `hubNow()` may be off by (agent/xmpp/time.ts). */
  get uncertaintyMs(): number {
    return this.#uncertainty;
  }

  /** The hub's time now, as well as we know it; undefined until an offset was learnt (the board's
   * own clock is no stand-in for it: a command must not be judged by it). */
  hubNow(): number | undefined {
    return this.#offset === undefined ? undefined : this.#now() + this.#offset;
  }

  /** Resolves true once an offset is known (at once when it is), false after `withinMs`. */
  whenKnown(withinMs: number): Promise<boolean> {
    if (this.#offset !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timers = this.#o.timers ?? defaultTimers;
      const wake = () => {
        this.#waiting.delete(wake);
        timers.clearTimeout(timer);
        resolve(this.#offset !== undefined);
      };
      const timer = timers.setTimeout(wake, withinMs);
      this.#waiting.add(wake);
    });
  }

  synced(): boolean {
    if (this.#o.mode !== "auto") return this.#o.mode === "true";
    if (this.#system !== "unknown") return this.#system === "yes";
    return this.#offset !== undefined && Math.abs(this.#offset) <= this.#o.maxOffsetMs;
  }

  async #ask(): Promise<void> {
    const before = this.#system;
    this.#system = await (this.#o.probe ?? systemProbe)();
    if (before !== this.#system) this.#o.log.info({ system: this.#system }, "clock synchronisation status");
  }
}

const defaultTimers: Pick<TimerClock, "setTimeout" | "clearTimeout"> = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
