/* References: docs/design.md §2 (item ids are `<bootId>-<seq>`; the boot id is a boot counter persisted on
 * the device plus a short random suffix, so neither a clock reset nor a reflash reuses an id).
 *
 * Boot id format: `<counter>.<suffix>`, e.g. `17.k3f9a2`: the counter in decimal, then 6 random
 * base-32 characters. The counter lives in two slot files (`boot-counter.0`, `boot-counter.1`) in
 * the agent's state directory, each a checksummed text record `xiot-boot <n> <crc32 hex>\n`.
 * Each boot reads both, takes the highest valid value, and writes value + 1 atomically into the
 * slot that does not hold that highest value. A slot torn or emptied by a crash is then at worst
 * one of two, and the other still holds a value no older than the previous boot's.
 *
 * Sequence numbers start at 0 for every boot and count documents; they are never derived from
 * the clock. */
import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../shared/log";
import { removeStaleTemps, writeFileAtomic } from "../outbox/atomic";
import { crc32 } from "../outbox/crc32";

export const BOOT_SLOTS = ["boot-counter.0", "boot-counter.1"] as const;
const SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const RECORD_RE = /^xiot-boot (0|[1-9][0-9]{0,15}) ([0-9a-f]{8})\n$/;

export class BootCounterError extends Error {
  override readonly name = "BootCounterError";
}

export interface BootIdOptions {
  /** The agent's state directory (created if missing). */
  stateDir: string;
  /** Random source, injectable for tests. */
  random?: (size: number) => Uint8Array;
  log?: Logger;
  /**
   * What to do when counter files exist but none holds a valid record (both torn or corrupt):
   * `fail` (default) throws `BootCounterError`; `reset` logs an error and starts again from 0
   * (ids stay unique through the random suffix but lose their order).
   */
  onCorrupt?: "fail" | "reset";
}

export interface BootId {
  id: string;
  counter: number;
}

export function formatCounterRecord(n: number): string {
  const body = `xiot-boot ${n}`;
  return `${body} ${crc32(Buffer.from(body)).toString(16).padStart(8, "0")}\n`;
}

/** Parses a slot's content; `undefined` when it is torn, empty or corrupt. */
export function parseCounterRecord(text: string): number | undefined {
  const m = RECORD_RE.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n)) return undefined;
  const expected = crc32(Buffer.from(`xiot-boot ${m[1]}`));
  return Number.parseInt(m[2]!, 16) === expected ? n : undefined;
}

type Slot = { state: "missing" } | { state: "corrupt" } | { state: "valid"; value: number };

async function readSlot(path: string): Promise<Slot> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { state: "missing" };
    throw err;
  }
  const value = parseCounterRecord(text);
  return value === undefined ? { state: "corrupt" } : { state: "valid", value };
}

function randomSuffix(random: (size: number) => Uint8Array): string {
  const bytes = random(6);
  let s = "";
  for (const b of bytes) s += SUFFIX_ALPHABET[b & 31];
  return s;
}

/** Picks the previous counter (or -1 for a fresh device) and the slot index to overwrite. */
function choose(slots: Slot[], options: BootIdOptions): { previous: number; target: number } {
  let previous = -1;
  let holder = -1;
  slots.forEach((s, i) => {
    if (s.state === "valid" && s.value > previous) {
      previous = s.value;
      holder = i;
    }
  });
  if (holder === -1 && slots.some((s) => s.state === "corrupt")) {
    const msg = `boot counter files in ${options.stateDir} are all corrupt`;
    if (options.onCorrupt !== "reset") throw new BootCounterError(`${msg}; refusing to reuse boot counters`);
    options.log?.error({ stateDir: options.stateDir }, `${msg}; restarting the counter at 0`);
  }
  return { previous, target: holder === 0 ? 1 : 0 };
}

/** Writes a slot: an existing slot file is overwritten in place (it needs no new block, so a full
 * disk does not stop a boot; a torn write leaves it corrupt and the other slot, one boot older,
 * decides, and this boot's id was never used); a missing one is created atomically. */
async function writeSlot(path: string, record: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r+");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    await writeFileAtomic(path, record);
    return;
  }
  try {
    const bytes = Buffer.from(record);
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.truncate(bytes.length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads, increments and durably stores the boot counter, and returns this boot's id. */
export async function nextBootId(options: BootIdOptions): Promise<BootId> {
  await mkdir(options.stateDir, { recursive: true });
  for (const name of BOOT_SLOTS) await removeStaleTemps(options.stateDir, name);
  const slots = await Promise.all(BOOT_SLOTS.map((name) => readSlot(join(options.stateDir, name))));
  const { previous, target } = choose(slots, options);
  const counter = previous + 1;
  const record = formatCounterRecord(counter);
  const path = (i: number) => join(options.stateDir, BOOT_SLOTS[i === 0 ? 0 : 1]);
  try {
    await writeSlot(path(target), record);
  } catch (err) {
    // Only a missing slot needs a new block: on a full disk, the one valid slot is rewritten in
    // place instead (a torn write then leaves no valid slot, and the next boot refuses, never reuses).
    const code = (err as NodeJS.ErrnoException).code;
    if (slots[target]?.state !== "missing" || (code !== "ENOSPC" && code !== "EDQUOT")) throw err;
    await writeSlot(path(1 - target), record);
  }
  // Both slots exist from the first boot on, so that later boots only ever overwrite in place.
  const other = 1 - target;
  if (slots[other]?.state === "missing")
    await writeSlot(path(other), record).catch((err: unknown) =>
      options.log?.warn({ err }, "second boot counter slot not created"),
    );
  const random = options.random ?? ((n: number) => randomBytes(n));
  return { id: `${counter}.${randomSuffix(random)}`, counter };
}

/** Per-boot document sequence numbers: 0, 1, 2, … */
export class SequenceCounter {
  #next: number;
  constructor(start = 0) {
    if (!Number.isSafeInteger(start) || start < 0) throw new TypeError(`invalid start ${start}`);
    this.#next = start;
  }
  /** The number the next call to `next()` returns. */
  peek(): number {
    return this.#next;
  }
  next(): number {
    return this.#next++;
  }
}
