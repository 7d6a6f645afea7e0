/* Command ids already applied, and the last applied `seq` per channel, kept across restarts.
 * References: docs/design.md §2 (devices deduplicate commands by `id`, refuse them after `issued + ttl`,
 * ignore a lower `seq` than the last applied for the same channel).
 *
 * `<state.dir>/commands.jsonl`: one JSON line per accepted command, written and fsynced before
 * the actuator moves (a crash after the line and before the move loses the command rather than
 * applying it twice). At open, ids whose expiry has passed (by more than `marginMs`, the clock
 * offset may not be known yet) are dropped and the file is rewritten atomically, starting with
 * one line of the last seq per channel. A torn last line (crash mid-write) is ignored. */
import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../outbox/atomic";

export const SEEN_FILE = "commands.jsonl";

interface SeenLine {
  id?: string;
  /** Expiry by the hub's clock, ms since the epoch. */
  exp?: number;
  /** Channel → seq applied with this command. */
  seq?: Record<string, number>;
}

export class SeenCommands {
  readonly #ids = new Map<string, number>();
  readonly #lastSeq = new Map<string, number>();
  #fd: number | undefined;

  private constructor(readonly path: string) {}

  static async open(stateDir: string, now: number, marginMs = 600_000): Promise<SeenCommands> {
    const seen = new SeenCommands(join(stateDir, SEEN_FILE));
    let text = "";
    try {
      text = await readFile(seen.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    for (const line of text.split("\n")) seen.#load(line);
    for (const [id, exp] of seen.#ids) if (exp + marginMs < now) seen.#ids.delete(id);
    await writeFileAtomic(seen.path, seen.#snapshot());
    seen.#fd = openSync(seen.path, "a");
    return seen;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  lastSeq(channel: string): number | undefined {
    return this.#lastSeq.get(channel);
  }

  /** Records a command durably before it is applied. */
  add(id: string, exp: number, seq: Record<string, number> = {}): void {
    this.#ids.set(id, exp);
    for (const [ch, n] of Object.entries(seq)) this.#lastSeq.set(ch, Math.max(n, this.#lastSeq.get(ch) ?? n));
    if (this.#fd === undefined) throw new Error("seen-commands file is closed");
    const line: SeenLine = { id, exp };
    if (Object.keys(seq).length > 0) line.seq = seq;
    writeSync(this.#fd, `${JSON.stringify(line)}\n`);
    fdatasyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #load(text: string): void {
    if (text.trim() === "") return;
    let line: SeenLine;
    try {
      line = JSON.parse(text) as SeenLine;
    } catch {
      return; // a torn last line from a crash mid-write: that command was never applied
    }
    if (typeof line.id === "string" && typeof line.exp === "number") this.#ids.set(line.id, line.exp);
    for (const [ch, n] of Object.entries(line.seq ?? {})) {
      if (Number.isSafeInteger(n)) this.#lastSeq.set(ch, Math.max(n, this.#lastSeq.get(ch) ?? n));
    }
  }

  #snapshot(): string {
    const lines: SeenLine[] = [];
    if (this.#lastSeq.size > 0) lines.push({ seq: Object.fromEntries(this.#lastSeq) });
    for (const [id, exp] of this.#ids) lines.push({ id, exp });
    return lines.map((l) => `${JSON.stringify(l)}\n`).join("");
  }
}
