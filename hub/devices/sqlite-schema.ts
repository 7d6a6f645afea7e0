/* Schema of the SQLite device registry, versioned with PRAGMA user_version.
 * References: https://sqlite.org/pragma.html#pragma_user_version
 *
 * Each migration moves the schema from version i to i + 1 in one transaction together with the
 * version bump, so a crash mid-migration leaves the previous version intact. */
import type { Database } from "better-sqlite3";

const MIGRATIONS: readonly string[] = [
  // 0 → 1: devices, shares, lockout counters, audit log.
  `CREATE TABLE devices (
     id TEXT PRIMARY KEY,
     model TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     state TEXT NOT NULL,
     secret_hash TEXT,
     claim_key_hash TEXT,
     owner TEXT,
     meta TEXT,
     registered_jid TEXT,
     registered_at INTEGER
   );
   CREATE INDEX devices_by_owner ON devices (owner);
   CREATE INDEX devices_by_claim_key ON devices (claim_key_hash);
   CREATE TABLE shares (
     device TEXT NOT NULL,
     jid TEXT NOT NULL,
     level TEXT NOT NULL,
     PRIMARY KEY (device, jid)
   ) WITHOUT ROWID;
   CREATE INDEX shares_by_jid ON shares (jid);
   CREATE TABLE attempts (
     scope TEXT PRIMARY KEY,
     failures INTEGER NOT NULL,
     locked_until INTEGER NOT NULL,
     last_failure INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     time INTEGER NOT NULL,
     device TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     outcome TEXT NOT NULL,
     detail TEXT NOT NULL
   );
   CREATE INDEX audit_by_device ON audit (device, seq);`,
];

export const DEVICE_SCHEMA_VERSION = MIGRATIONS.length;

export class DeviceSchemaVersionError extends Error {
  constructor(found: number, file = "") {
    super(
      `device database ${file}${file && " "}schema version ${found} is newer than this hub understands ` +
        `(${DEVICE_SCHEMA_VERSION}): run the newer hub, or restore a backup made for this version. The file was not changed.`,
    );
    this.name = "DeviceSchemaVersionError";
  }
}

/** Brings the database to DEVICE_SCHEMA_VERSION; refuses a database from a newer hub. */
export function migrateDevices(db: Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > DEVICE_SCHEMA_VERSION) throw new DeviceSchemaVersionError(current);
  for (let version = current; version < DEVICE_SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version] as string;
    db.transaction(() => {
      db.exec(step);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
