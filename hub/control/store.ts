/* The control store: the last command sequence number per device and channel, the control
 * log (every command and its outcome, and every actuation the device reported in its state
 * item), and the last actuator values reported, in SQLite next to the hub's other files.
 * References: docs/design.md §2 (`seq` per channel; devices ignore a lower seq than the last applied, so
 * the hub's numbers must survive restarts), https://sqlite.org/pragma.html#pragma_synchronous.
 *
 * A seq handed out is on disk (synchronous=FULL, an fsync of the WAL) before the command leaves
 * the hub, so neither a crash nor a power cut makes the hub reuse a number the device has seen.
 * Outcome lines are written with synchronous=NORMAL: they survive a crash of the hub (WAL in the
 * page cache) and cost no fsync on the reply's path; a power cut may lose the newest of them.
 * The file is opened through hub/db/open.ts (schema version, then quick_check, then WAL); a full
 * disk makes issue() and log() throw a StoreError (`storage-full`) with nothing written. */
import type { Database } from "better-sqlite3";
import { guardStore } from "../db/errors";
import { openStoreDatabase, type StorageCheck } from "../db/open";
import type { ControlLogEntry } from "./types";

export interface ControlStore {
  /**
   * Takes the next seq for each channel of a command and logs it as issued, in one commit.
   * Returns the seqs by channel.
   */
  issue(entry: ControlLogEntry, channels: string[]): Map<string, number>;
  /** Appends one log line (an outcome, or a refusal that issued nothing). */
  log(entry: ControlLogEntry): void;
  /** The newest `limit` lines of a device, oldest first. */
  history(device: string, limit: number): ControlLogEntry[];
  /**
   * A device's reported actuator values (its state item, docs/design.md §2): each value that differs
   * from the last one reported for its channel is logged as `reported`, at the device's time, in one
   * commit. The first value seen of a channel is a baseline, not an actuation. Returns the lines.
   */
  reported(device: string, actuators: ReadonlyMap<string, ReportedValue>): ControlLogEntry[];
  close(): void;
}

/** One actuator in a state item: its value, when it took it (device clock), and, when the item
 * says so, who asked and how. */
export interface ReportedValue {
  v: boolean | number | string;
  t: number;
  by?: string;
  via?: string;
}

interface LogRow {
  time: number;
  device: string;
  actor: string;
  cmd_id: string | null;
  command: string;
  outcome: string;
  detail: string;
}

// 0 → 1: the schema as it was before files carried a version (hence IF NOT EXISTS).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS control_seq (
  device TEXT NOT NULL, channel TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (device, channel)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS control_log (
  n INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL, device TEXT NOT NULL, actor TEXT NOT NULL, cmd_id TEXT,
  command TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS control_log_device ON control_log (device, n);
`;

// The last reported value of each actuator (its JSON), to tell a change from a repeat. Additive:
// a hub that predates it ignores the table, so the file keeps schema version 1.
const REPORTED = `
CREATE TABLE IF NOT EXISTS control_reported (
  device TEXT NOT NULL, channel TEXT NOT NULL, value TEXT NOT NULL, t INTEGER NOT NULL,
  PRIMARY KEY (device, channel)
) WITHOUT ROWID;
`;

export const CONTROL_SCHEMA_VERSION = 1;

function migrateControl(db: Database): void {
  db.transaction(() => {
    if ((db.pragma("user_version", { simple: true }) as number) < CONTROL_SCHEMA_VERSION) {
      db.exec(SCHEMA);
      db.pragma(`user_version = ${CONTROL_SCHEMA_VERSION}`);
    }
    db.exec(REPORTED);
  })();
}

/** The control file as hub/db/open.ts checks it (schema version before the WAL switch). */
export const controlFile = (path: string) => ({
  path,
  label: "control",
  schemaVersion: CONTROL_SCHEMA_VERSION,
});

export function openControlStore(path: string, options: { check?: StorageCheck } = {}): ControlStore {
  const db = openStoreDatabase({ ...controlFile(path), check: options.check, migrate: migrateControl });
  const bump = db.prepare<[string, string], { seq: number }>(
    `INSERT INTO control_seq (device, channel, seq) VALUES (?, ?, 1)
     ON CONFLICT (device, channel) DO UPDATE SET seq = seq + 1 RETURNING seq`,
  );
  const insert = db.prepare<LogRow>(
    `INSERT INTO control_log (time, device, actor, cmd_id, command, outcome, detail)
     VALUES (@time, @device, @actor, @cmd_id, @command, @outcome, @detail)`,
  );
  const select = db.prepare<[string, number], LogRow>(
    `SELECT time, device, actor, cmd_id, command, outcome, detail FROM control_log
     WHERE device = ? ORDER BY n DESC LIMIT ?`,
  );
  const lastReported = db.prepare<[string, string], { value: string; t: number }>(
    "SELECT value, t FROM control_reported WHERE device = ? AND channel = ?",
  );
  const putReported = db.prepare<[string, string, string, number]>(
    `INSERT INTO control_reported (device, channel, value, t) VALUES (?, ?, ?, ?)
     ON CONFLICT (device, channel) DO UPDATE SET value = excluded.value, t = excluded.t`,
  );
  const reportTx = db.transaction((device: string, actuators: ReadonlyMap<string, ReportedValue>) => {
    const lines: ControlLogEntry[] = [];
    for (const [channel, r] of actuators) {
      const value = JSON.stringify(r.v);
      const last = lastReported.get(device, channel);
      // An older item (a state published before the one already seen) changes nothing.
      if (last && (last.value === value || r.t < last.t)) continue;
      putReported.run(device, channel, value, r.t);
      if (!last) continue;
      const entry: ControlLogEntry = {
        time: r.t,
        device,
        actor: r.by ?? "",
        id: null,
        command: `${channel}=${String(r.v)}`,
        outcome: "reported",
        detail: r.via ?? "",
      };
      insert.run(toRow(entry));
      lines.push(entry);
    }
    return lines;
  });
  const toRow = (e: ControlLogEntry): LogRow => ({
    time: e.time,
    device: e.device,
    actor: e.actor,
    cmd_id: e.id,
    command: e.command,
    outcome: e.outcome,
    detail: e.detail,
  });
  const issueTx = db.transaction((entry: ControlLogEntry, channels: string[]) => {
    const seqs = new Map<string, number>();
    for (const channel of channels)
      seqs.set(channel, (bump.get(entry.device, channel) as { seq: number }).seq);
    insert.run(toRow(entry));
    return seqs;
  });
  return {
    issue: (entry, channels) =>
      guardStore(path, () => {
        db.pragma("synchronous = FULL");
        return issueTx(entry, channels);
      }),
    log: (entry) =>
      guardStore(path, () => {
        db.pragma("synchronous = NORMAL");
        insert.run(toRow(entry));
      }),
    history: (device, limit) =>
      select
        .all(device, limit)
        .reverse()
        .map((r) => ({
          time: r.time,
          device: r.device,
          actor: r.actor,
          id: r.cmd_id,
          command: r.command,
          outcome: r.outcome as ControlLogEntry["outcome"],
          detail: r.detail,
        })),
    reported: (device, actuators) =>
      guardStore(path, () => {
        db.pragma("synchronous = NORMAL");
        return reportTx(device, actuators);
      }),
    close: () => db.close(),
  };
}
