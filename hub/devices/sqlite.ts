/* SQLite DeviceStore (better-sqlite3, WAL, synchronous=FULL, group commit), in its own file.
 * References: https://sqlite.org/wal.html, https://sqlite.org/pragma.html#pragma_synchronous,
 * https://sqlite.org/pragma.html#pragma_user_version
 *
 * Writes go through the hub's group committer (../db/group-commit.ts): each resolves only
 * after the COMMIT that contains it returned, which under synchronous=FULL is an fsync of the
 * WAL. A compare-and-set runs its read and write inside one synchronous step, so no other write
 * interleaves. */
import type Database from "better-sqlite3";
import { createGroupCommitter } from "../db/group-commit";
import { openStoreDatabase, type StorageCheck } from "../db/open";
import { DEVICE_SCHEMA_VERSION, DeviceSchemaVersionError, migrateDevices } from "./sqlite-schema";
import { type DeviceStore, matches } from "./store";
import type { AttemptRecord, AuditEntry, DeviceRecord, ShareRecord } from "./types";

export interface SqliteDeviceStoreOptions {
  /** Database file path (":memory:" for a throwaway database). */
  path: string;
  /** Group-commit window; 0 = next event-loop turn. */
  commitWindowMs?: number;
  /** Integrity check before opening (hub/db/open.ts); default "quick". */
  check?: StorageCheck;
}

interface DeviceRow {
  id: string;
  model: string;
  created_by: string;
  created_at: number;
  state: string;
  secret_hash: string | null;
  claim_key_hash: string | null;
  owner: string | null;
  meta: string | null;
  registered_jid: string | null;
  registered_at: number | null;
}

const toDevice = (r: DeviceRow): DeviceRecord => ({
  id: r.id,
  model: r.model,
  createdBy: r.created_by,
  createdAt: r.created_at,
  state: r.state as DeviceRecord["state"],
  secretHash: r.secret_hash,
  claimKeyHash: r.claim_key_hash,
  owner: r.owner,
  meta: r.meta === null ? null : JSON.parse(r.meta),
  registeredJid: r.registered_jid,
  registeredAt: r.registered_at,
});
const toRow = (d: DeviceRecord): DeviceRow => ({
  id: d.id,
  model: d.model,
  created_by: d.createdBy,
  created_at: d.createdAt,
  state: d.state,
  secret_hash: d.secretHash,
  claim_key_hash: d.claimKeyHash,
  owner: d.owner,
  meta: d.meta === null ? null : JSON.stringify(d.meta),
  registered_jid: d.registeredJid,
  registered_at: d.registeredAt,
});

function prepare(db: Database.Database) {
  const cols =
    "id, model, created_by, created_at, state, secret_hash, claim_key_hash, owner, meta, registered_jid, registered_at";
  const params = cols
    .split(", ")
    .map((c) => `@${c}`)
    .join(", ");
  return {
    insert: db.prepare<[DeviceRow]>(`INSERT OR IGNORE INTO devices (${cols}) VALUES (${params})`),
    replace: db.prepare<[DeviceRow]>(`INSERT OR REPLACE INTO devices (${cols}) VALUES (${params})`),
    get: db.prepare<[string], DeviceRow>("SELECT * FROM devices WHERE id = ?"),
    all: db.prepare<[], DeviceRow>("SELECT * FROM devices ORDER BY id"),
    owned: db.prepare<[string], DeviceRow>("SELECT * FROM devices WHERE owner = ? ORDER BY id"),
    byKey: db.prepare<[string], DeviceRow>("SELECT * FROM devices WHERE claim_key_hash = ? LIMIT 1"),
    putShare: db.prepare<[string, string, string]>(
      "INSERT OR REPLACE INTO shares (device, jid, level) VALUES (?, ?, ?)",
    ),
    delShare: db.prepare<[string, string]>("DELETE FROM shares WHERE device = ? AND jid = ?"),
    sharesOf: db.prepare<[string], ShareRecord>("SELECT * FROM shares WHERE device = ? ORDER BY jid"),
    sharesFor: db.prepare<[string], ShareRecord>("SELECT * FROM shares WHERE jid = ? ORDER BY device"),
    clearShares: db.prepare<[string]>("DELETE FROM shares WHERE device = ?"),
    getAttempts: db.prepare<
      [string],
      { scope: string; failures: number; locked_until: number; last_failure: number }
    >("SELECT * FROM attempts WHERE scope = ?"),
    putAttempts: db.prepare<[string, number, number, number]>(
      "INSERT OR REPLACE INTO attempts (scope, failures, locked_until, last_failure) VALUES (?, ?, ?, ?)",
    ),
    delAttempts: db.prepare<[string]>("DELETE FROM attempts WHERE scope = ?"),
    audit: db.prepare<[number, string, string, string, string, string]>(
      "INSERT INTO audit (time, device, actor, action, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    auditOf: db.prepare<[string, number], AuditEntry>(
      `SELECT time, device, actor, action, outcome, detail FROM
         (SELECT * FROM audit WHERE device = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
    ),
  };
}

/** The device file as hub/db/open.ts checks it (schema version before the WAL switch). */
export const deviceFile = (path: string) => ({
  path,
  label: "device",
  schemaVersion: DEVICE_SCHEMA_VERSION,
  newer: (found: number) => new DeviceSchemaVersionError(found, path),
});

export function openSqliteDeviceStore(options: SqliteDeviceStoreOptions): DeviceStore {
  const db = openStoreDatabase({
    ...deviceFile(options.path),
    check: options.check,
    migrate: migrateDevices,
  });
  const q = prepare(db);
  const gc = createGroupCommitter(db, { windowMs: options.commitWindowMs ?? 0 });
  const device = (row: DeviceRow | undefined) => (row ? toDevice(row) : undefined);

  return {
    createDevice: (record) => gc.run(() => q.insert.run(toRow(record)).changes > 0),
    getDevice: async (id) => device(q.get.get(id)),
    listDevices: async () => q.all.all().map(toDevice),
    devicesOwnedBy: async (owner) => q.owned.all(owner).map(toDevice),
    findByClaimKeyHash: async (hash) => device(q.byKey.get(hash)),
    updateDevice: (id, expect, patch) =>
      gc.run(() => {
        const current = device(q.get.get(id));
        if (!current || !matches(current, expect)) return false;
        q.replace.run(toRow({ ...current, ...patch, id }));
        return true;
      }),

    putShare: (share) =>
      gc.run(() => {
        q.putShare.run(share.device, share.jid, share.level);
      }),
    removeShare: (dev, jid) => gc.run(() => q.delShare.run(dev, jid).changes > 0),
    sharesOf: async (dev) => q.sharesOf.all(dev),
    sharesFor: async (jid) => q.sharesFor.all(jid),
    clearShares: (dev) =>
      gc.run(() => {
        const removed = q.sharesOf.all(dev);
        q.clearShares.run(dev);
        return removed;
      }),

    getAttempts: async (scope): Promise<AttemptRecord | undefined> => {
      const r = q.getAttempts.get(scope);
      return (
        r && {
          scope: r.scope,
          failures: r.failures,
          lockedUntil: r.locked_until,
          lastFailure: r.last_failure,
        }
      );
    },
    putAttempts: (r) =>
      gc.run(() => {
        q.putAttempts.run(r.scope, r.failures, r.lockedUntil, r.lastFailure);
      }),
    clearAttempts: (scope) =>
      gc.run(() => {
        q.delAttempts.run(scope);
      }),

    appendAudit: (e) =>
      gc.run(() => {
        q.audit.run(e.time, e.device, e.actor, e.action, e.outcome, e.detail);
      }),
    auditOf: async (dev, limit = 100) => (limit <= 0 ? [] : q.auditOf.all(dev, limit)),

    close: async () => {
      gc.flush();
      db.close();
    },
  };
}
