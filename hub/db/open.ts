/* Opening a hub SQLite file safely: schema version first, integrity next, WAL last.
 * References: https://sqlite.org/pragma.html#pragma_user_version,
 * https://sqlite.org/pragma.html#pragma_quick_check, https://sqlite.org/pragma.html#pragma_integrity_check,
 * https://sqlite.org/recovery.html (`.recover`), https://sqlite.org/wal.html.
 *
 * Every store file the hub opens goes through openStoreDatabase(): a read-only connection reads
 * `user_version` (a file from a newer hub is refused before anything is written to it, not even
 * the WAL switch) and runs `PRAGMA quick_check` (or the full `integrity_check` on request); a
 * failure refuses with a StoreOpenError naming the file, what failed and how to recover. Only
 * then is the file opened read-write, switched to WAL with synchronous=FULL, and migrated. */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";

/** `quick`: PRAGMA quick_check (O(N), skips index contents); `full`: integrity_check; `off`: none. */
export type StorageCheck = "quick" | "full" | "off";

export class StoreOpenError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = "StoreOpenError";
    this.file = file;
  }
}

/** How to get a usable file back, for the refusal message. */
export function recoveryHint(file: string): string {
  return (
    `To recover, stop the hub, keep a copy of ${file} (with its -wal and -shm files), then restore it ` +
    `from a backup, or rebuild it: sqlite3 ${file} .recover | sqlite3 ${file}.recovered, and move ` +
    `${file}.recovered in its place (removing ${file}-wal and ${file}-shm). Nothing was changed.`
  );
}

export interface StoreFile {
  path: string;
  /** What the file holds, for messages: "pubsub", "device", "control". */
  label: string;
  /** The newest schema version this hub understands. */
  schemaVersion: number;
  /** The error for a file from a newer hub (each store keeps its own error class). */
  newer?: (found: number) => Error;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The refusal for an open, readable file, if any. */
function inspect(db: Database.Database, file: StoreFile, check: StorageCheck): Error | undefined {
  const found = db.pragma("user_version", { simple: true }) as number;
  if (found > file.schemaVersion) {
    return (
      file.newer?.(found) ??
      new StoreOpenError(
        file.path,
        `${file.label} database ${file.path} has schema version ${found}, newer than this hub ` +
          `understands (${file.schemaVersion}): run the newer hub, or restore a backup made for this ` +
          "version. The file was not changed.",
      )
    );
  }
  if (check === "off") return undefined;
  const pragma = check === "full" ? "integrity_check" : "quick_check";
  const rows = db.pragma(`${pragma}(20)`) as Array<Record<string, string>>;
  const problems = rows.map((r) => Object.values(r)[0]).filter((v) => v !== "ok");
  if (problems.length === 0) return undefined;
  return new StoreOpenError(
    file.path,
    `${file.label} database ${file.path} failed PRAGMA ${pragma}: ${problems.slice(0, 3).join("; ")}. ` +
      recoveryHint(file.path),
  );
}

/** Checks an existing file without changing it: schema version, then quick/integrity check. */
export function checkStoreFile(file: StoreFile, check: StorageCheck): void {
  if (file.path === ":memory:" || file.path === "" || !existsSync(file.path)) return;
  let db: Database.Database | undefined;
  let refusal: Error | undefined;
  try {
    db = new Database(file.path, { readonly: true, fileMustExist: true });
    refusal = inspect(db, file, check);
  } catch (error) {
    // Not a database at all, or so damaged that SQLite cannot read its header or schema.
    refusal = new StoreOpenError(
      file.path,
      `${file.label} database ${file.path} cannot be read (${describe(error)}). ${recoveryHint(file.path)}`,
    );
  } finally {
    db?.close();
  }
  if (refusal) throw refusal;
}

export interface OpenStoreOptions extends StoreFile {
  /** Integrity check before opening; default "quick". */
  check?: StorageCheck;
  /** Brings the schema to `schemaVersion` (after WAL is on). */
  migrate: (db: Database.Database) => void;
}

/** Checks the file (see checkStoreFile), then opens it read-write in WAL mode and migrates it. */
export function openStoreDatabase(options: OpenStoreOptions): Database.Database {
  checkStoreFile(options, options.check ?? "quick");
  const db = new Database(options.path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    options.migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
