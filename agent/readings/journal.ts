/* The open document's journal: readings batched but not yet in the outbox survive a SIGKILL.
 * References: docs/design.md §2 (readings document v1, item ids `<bootId>-<seq>`), docs/protocol.md
 * ("Readings never lost silently": stored + gaps = generated).
 *
 * The batcher holds a document open for up to `batch.maxDelayMs`, and a document it emitted is in
 * memory until its outbox append returns. Each reading is therefore also written, as one line, to
 * `<state.dir>/open/<bootId>-<seq>.jsonl` (the document it will go in) before it is batched; the
 * file is removed once the outbox has settled that document (stored, or counted in a gap). At the
 * next start every file left behind is a document that never reached the outbox: it is rebuilt
 * under its own boot and seq and appended before anything new, unless the outbox already holds
 * that item id (killed between the append and the removal). Writes are not fsynced: a killed
 * process leaves them in the page cache; a power cut is what `outbox.fsync` is about. A line a
 * kill cut short is ignored. On a full disk a reading that cannot be journalled is still batched. */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../shared/log";
import { type ClockStatus, parseReading, type Reading, type ReadingsDocumentV1 } from "../../shared/model";

const FILE = /^(.+)-(\d+)\.jsonl$/;

interface Line {
  k: ClockStatus;
  r: Reading;
}

export class OpenJournal {
  readonly #dir: string;
  readonly #log: Logger;
  #current: { name: string; fd: number } | undefined;
  #failed = new Set<string>();

  constructor(dir: string, log: Logger) {
    this.#dir = dir;
    this.#log = log;
    mkdirSync(dir, { recursive: true });
  }

  /** Journals one reading of document `seq` of `boot`, before it is batched. Never throws. */
  add(boot: string, seq: number, clk: ClockStatus, reading: Reading): void {
    const name = `${boot}-${seq}.jsonl`;
    try {
      if (this.#current?.name !== name) {
        this.#closeCurrent();
        this.#current = { name, fd: openSync(join(this.#dir, name), "a") };
      }
      const line: Line = { k: clk, r: reading };
      writeSync(this.#current.fd, `${JSON.stringify(line)}\n`);
    } catch (err) {
      if (this.#failed.has(name)) return;
      this.#failed.add(name);
      this.#log.warn({ err, document: name }, "open document journal not written; a kill now would lose it");
    }
  }

  /** The outbox settled document `seq` of `boot`: its journal goes. */
  done(boot: string, seq: number): void {
    const name = `${boot}-${seq}.jsonl`;
    if (this.#current?.name === name) this.#closeCurrent();
    this.#failed.delete(name);
    rmSync(join(this.#dir, name), { force: true });
  }

  close(): void {
    this.#closeCurrent();
  }

  #closeCurrent(): void {
    if (!this.#current) return;
    closeSync(this.#current.fd);
    this.#current = undefined;
  }
}

/** The documents a previous run journalled and never handed to the outbox, oldest boot and seq
 * first (boot ids sort by their counter, docs/design.md §2). */
export function journalledDocuments(dir: string, deviceId: string): ReadingsDocumentV1[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const docs: ReadingsDocumentV1[] = [];
  for (const name of names) {
    const m = FILE.exec(name);
    if (!m) continue;
    const lines = readFileSync(join(dir, name), "utf8").split("\n");
    const r: Reading[] = [];
    let clk: ClockStatus = "sync";
    for (const text of lines) {
      const line = parseLine(text);
      if (!line) continue; // empty, or cut short by the kill
      clk = line.k;
      r.push(line.r);
    }
    if (r.length > 0) docs.push({ v: 1, dev: deviceId, boot: m[1] as string, seq: Number(m[2]), clk, r });
  }
  return docs.sort((a, b) => bootOrder(a.boot, b.boot) || a.seq - b.seq);
}

function parseLine(text: string): Line | undefined {
  if (!text) return undefined;
  try {
    const line = JSON.parse(text) as Line;
    if (line.k !== "sync" && line.k !== "unsync") return undefined;
    return parseReading(line.r).ok ? line : undefined;
  } catch {
    return undefined;
  }
}

/** Boot ids are `<counter>.<random>`: numeric by counter. */
function bootOrder(a: string, b: string): number {
  return Number.parseInt(a, 10) - Number.parseInt(b, 10) || (a < b ? -1 : a > b ? 1 : 0);
}
