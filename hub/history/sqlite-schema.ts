/* Tables of the SQLite history engine, kept in the item store's file so that a reading and its
 * item commit together. Versioned in their own row (`history_schema`), because the file's
 * user_version belongs to the PubSub schema.
 * Values: `v` holds the number, 0/1 for a boolean or the string; `k` is NULL for a number, 1 for a
 * boolean, 2 for a string (a NULL costs one byte of the record header).
 * References: https://sqlite.org/withoutrowid.html, https://sqlite.org/datatype3.html. */
import type { Database } from "better-sqlite3";

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE history_series (
     id INTEGER PRIMARY KEY,
     device TEXT NOT NULL,
     channel TEXT NOT NULL,
     UNIQUE (device, channel)
   );
   CREATE TABLE history_raw (
     series INTEGER NOT NULL,
     t INTEGER NOT NULL,
     v NOT NULL,
     k INTEGER,
     q TEXT,
     PRIMARY KEY (series, t)
   ) WITHOUT ROWID;
   CREATE TABLE history_1m (
     series INTEGER NOT NULL, t INTEGER NOT NULL, n INTEGER NOT NULL, sum REAL NOT NULL,
     min REAL NOT NULL, max REAL NOT NULL, numeric INTEGER NOT NULL,
     first_t INTEGER NOT NULL, first_v NOT NULL, first_k INTEGER,
     last_t INTEGER NOT NULL, last_v NOT NULL, last_k INTEGER,
     PRIMARY KEY (series, t)
   ) WITHOUT ROWID;
   CREATE TABLE history_1h (
     series INTEGER NOT NULL, t INTEGER NOT NULL, n INTEGER NOT NULL, sum REAL NOT NULL,
     min REAL NOT NULL, max REAL NOT NULL, numeric INTEGER NOT NULL,
     first_t INTEGER NOT NULL, first_v NOT NULL, first_k INTEGER,
     last_t INTEGER NOT NULL, last_v NOT NULL, last_k INTEGER,
     PRIMARY KEY (series, t)
   ) WITHOUT ROWID;
   CREATE TABLE history_flags (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;`,
];

export const HISTORY_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a set of tables to the version `migrations` reach, each step in one transaction with the
 * version bump (a crash mid-step leaves the previous version); refuses tables from a newer hub.
 * The version lives in its own one-row table, since the file's user_version is PubSub's.
 */
export function migrateVersioned(
  db: Database,
  versionTable: string,
  label: string,
  migrations: readonly string[],
): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${versionTable} (version INTEGER NOT NULL)`);
  const row = db.prepare(`SELECT version FROM ${versionTable}`).get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > migrations.length)
    throw new Error(
      `${label} in ${db.name} have schema version ${current}, newer than this hub understands ` +
        `(${migrations.length}): run the newer hub. The file was not changed.`,
    );
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version] as string);
      db.exec(`DELETE FROM ${versionTable}`);
      db.prepare(`INSERT INTO ${versionTable} (version) VALUES (?)`).run(version + 1);
    })();
  }
}

/** Brings the row engine's tables to HISTORY_SCHEMA_VERSION. */
export const migrateHistory = (db: Database): void =>
  migrateVersioned(db, "history_schema", "history tables", MIGRATIONS);

const ensureFlags = (db: Database): void => {
  db.exec(
    "CREATE TABLE IF NOT EXISTS history_flags (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
  );
};

/** A one-off step recorded as done in the history tables (e.g. "backfill"), whichever engine. */
export function historyFlag(db: Database, name: string): boolean {
  ensureFlags(db);
  const row = db.prepare("SELECT value FROM history_flags WHERE name = ?").get(name) as
    | { value: number }
    | undefined;
  return row?.value === 1;
}

export function setHistoryFlag(db: Database, name: string): void {
  ensureFlags(db);
  db.prepare("INSERT OR REPLACE INTO history_flags (name, value) VALUES (?, 1)").run(name);
}
