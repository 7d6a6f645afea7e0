/* Schema of the SQLite PubSub store, versioned with PRAGMA user_version.
 * References: https://sqlite.org/pragma.html#pragma_user_version, https://sqlite.org/wal.html
 *
 * Each migration moves the schema from version i to i + 1 and runs in one transaction together
 * with the version bump, so a crash mid-migration leaves the previous version intact. */
import type { Database } from "better-sqlite3";

const MIGRATIONS: readonly string[] = [
  // 0 → 1: nodes, affiliations, subscriptions (with pending approvals), items.
  `CREATE TABLE nodes (
     id TEXT PRIMARY KEY,
     config TEXT NOT NULL,
     creator TEXT NOT NULL,
     created INTEGER NOT NULL
   );
   CREATE TABLE affiliations (
     node TEXT NOT NULL,
     jid TEXT NOT NULL,
     affiliation TEXT NOT NULL,
     PRIMARY KEY (node, jid)
   ) WITHOUT ROWID;
   CREATE INDEX affiliations_by_jid ON affiliations (jid);
   CREATE TABLE subscriptions (
     node TEXT NOT NULL,
     jid TEXT NOT NULL,
     bare TEXT NOT NULL,
     subid TEXT NOT NULL,
     state TEXT NOT NULL,
     options TEXT NOT NULL,
     PRIMARY KEY (node, jid)
   ) WITHOUT ROWID;
   CREATE INDEX subscriptions_by_bare ON subscriptions (bare);
   CREATE TABLE items (
     node TEXT NOT NULL,
     id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     payload TEXT NOT NULL,
     publisher TEXT NOT NULL,
     published INTEGER NOT NULL,
     PRIMARY KEY (node, id)
   );
   CREATE UNIQUE INDEX items_by_seq ON items (node, seq);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaVersionError extends Error {
  constructor(found: number, file = "") {
    super(
      `pubsub database ${file}${file && " "}schema version ${found} is newer than this hub understands ` +
        `(${SCHEMA_VERSION}): run the newer hub, or restore a backup made for this version. The file was not changed.`,
    );
    this.name = "SchemaVersionError";
  }
}

/** Brings the database to SCHEMA_VERSION; refuses a database from a newer hub. */
export function migrate(db: Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > SCHEMA_VERSION) throw new SchemaVersionError(current);
  for (let version = current; version < SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version] as string;
    db.transaction(() => {
      db.exec(step);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
