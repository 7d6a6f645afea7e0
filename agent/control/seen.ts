/* Command ids already applied, and the last applied `seq` per channel and issuer, kept across restarts.
 * References: docs/design.md §2 (devices deduplicate commands by `id`, refuse them after `issued + ttl`,
 * ignore a lower `seq` than the last applied for the same channel from the same issuer).
 *
 * The issuer is the sender's bare JID: each controller (the hub, a person addressing the device
 * directly) has its own ids and its own sequence per channel, so no one can get another's
 * commands ignored by sending a high `seq` or reusing an id.
 *
 * `<state.dir>/commands.jsonl`: one JSON line per accepted command, written and fsynced before
 * the actuator moves (a crash after the line and before the move loses the command rather than
 * applying it twice). At open, ids whose expiry has passed (by more than `marginMs`, the clock
 * offset may not be known yet) are dropped and the file is rewritten atomically, starting with
 * one line of the last seq per issuer and channel (when the rewrite fails, on a full disk, the file
 * is kept as it is). A torn last line (crash mid-write) is ignored,
 * and so are lines of the earlier format without an issuer (`by`): whose sequence they were is
 * unknown, and keeping them for everyone is how one controller locked out the others. */
import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../outbox/atomic";

export const SEEN_FILE = "commands.jsonl";

interface SeenLine {
  /** The issuer: the bare JID that sent the command. */
  by?: string;
  id?: string;
  /** Expiry by the hub's clock, ms since the epoch. */
  exp?: number;
  /** Channel → seq applied with this command. */
  seq?: Record<string, number>;
  /** The snapshot line: issuer → channel → last seq. */
  seqs?: Record<string, Record<string, number>>;
}

/** Map key of an issuer's id or channel (a bare JID never contains a space). */
const key = (by: string, name: string): string => `${by} ${name}`;

export class SeenCommands {
  /** "<issuer> <id>" → expiry. */
  readonly #ids = new Map<string, number>();
  /** "<issuer> <channel>" → last seq. */
  readonly #lastSeq = new Map<string, number>();
  #fd: number | undefined;

  private constructor(readonly path: string) {}

  /** `onKeep` hears why the file could not be compacted (it is then kept as it is). */
  static async open(
    stateDir: string,
    now: number,
    marginMs = 600_000,
    onKeep?: (err: unknown) => void,
  ): Promise<SeenCommands> {
    const seen = new SeenCommands(join(stateDir, SEEN_FILE));
    let text = "";
    try {
      text = await readFile(seen.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    for (const line of text.split("\n")) seen.#load(line);
    for (const [k, exp] of seen.#ids) if (exp + marginMs < now) seen.#ids.delete(k);
    try {
      await writeFileAtomic(seen.path, seen.#snapshot());
    } catch (err) {
      // Compaction is an economy, the file as it is stays valid: on a full disk (the rewrite needs
      // new blocks) the device still starts, and appends go on after the lines it has.
      onKeep?.(err);
      if (text !== "" && !text.endsWith("\n")) {
        const fd = openSync(seen.path, "a");
        try {
          writeSync(fd, "\n"); // ends a torn last line, so the next line is not glued to it
          fdatasyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
    }
    seen.#fd = openSync(seen.path, "a");
    return seen;
  }

  /** Whether `by` sent a command with this id before. */
  has(by: string, id: string): boolean {
    return this.#ids.has(key(by, id));
  }

  /** The last seq `by` had applied to `channel`. */
  lastSeq(by: string, channel: string): number | undefined {
    return this.#lastSeq.get(key(by, channel));
  }

  /** Records a command of `by` durably before it is applied. */
  add(by: string, id: string, exp: number, seq: Record<string, number> = {}): void {
    this.#remember(by, id, exp, seq);
    if (this.#fd === undefined) throw new Error("seen-commands file is closed");
    const line: SeenLine = { by, id, exp };
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
    for (const [by, seq] of Object.entries(line.seqs ?? {})) this.#remember(by, undefined, 0, seq);
    if (typeof line.by !== "string") return; // the earlier format: no issuer, see the top
    const id = typeof line.id === "string" && typeof line.exp === "number" ? line.id : undefined;
    this.#remember(line.by, id, line.exp ?? 0, line.seq ?? {});
  }

  #remember(by: string, id: string | undefined, exp: number, seq: Record<string, number>): void {
    if (id !== undefined) this.#ids.set(key(by, id), exp);
    for (const [ch, n] of Object.entries(seq)) {
      if (!Number.isSafeInteger(n)) continue;
      const k = key(by, ch);
      this.#lastSeq.set(k, Math.max(n, this.#lastSeq.get(k) ?? n));
    }
  }

  #snapshot(): string {
    const seqs: Record<string, Record<string, number>> = {};
    for (const [k, n] of this.#lastSeq) {
      const at = k.indexOf(" ");
      const by = k.slice(0, at);
      seqs[by] = { ...seqs[by], [k.slice(at + 1)]: n };
    }
    const lines: SeenLine[] = [];
    if (this.#lastSeq.size > 0) lines.push({ seqs });
    for (const [k, exp] of this.#ids) {
      const at = k.indexOf(" ");
      lines.push({ by: k.slice(0, at), id: k.slice(at + 1), exp });
    }
    return lines.map((l) => `${JSON.stringify(l)}\n`).join("");
  }
}
