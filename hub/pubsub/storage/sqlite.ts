/* SQLite PubSub store (better-sqlite3, WAL, group commit, the WAL flushed off the event loop).
 * References: https://sqlite.org/wal.html, https://sqlite.org/pragma.html#pragma_synchronous
 *
 * `synchronous=NORMAL` in WAL mode alone may lose the last commits on power loss; group commit
 * (hub/db/group-commit.ts) makes one COMMIT cover every write of a short window, and acknowledges
 * it only after the WAL was flushed to disk (hub/db/wal-sync.ts), which runs on libuv's thread
 * pool while the hub goes on with the next publishes: as durable as FULL, without the stall. Node records and
 * subscription lists are cached in memory (the publish hot path reads them on every publish). */
import type Database from "better-sqlite3";
import { createGroupCommitter, type GroupCommitter } from "../../db/group-commit";
import { openStoreDatabase, type StorageCheck } from "../../db/open";
import { createWalSync } from "../../db/wal-sync";
import { prepareItems } from "./sqlite-items";
import { migrate, SCHEMA_VERSION, SchemaVersionError } from "./sqlite-schema";
import type {
  AddSubscriptionResult,
  Affiliation,
  NodeRecord,
  PubsubStore,
  SubscriptionRecord,
} from "./types";

export interface SqliteStoreOptions {
  /** Database file path (":memory:" for a throwaway database). */
  path: string;
  /** Group-commit window; 0 = next event-loop turn. */
  commitWindowMs?: number;
  /** Integrity check before opening (hub/db/open.ts); default "quick". */
  check?: StorageCheck;
}

interface NodeRow {
  id: string;
  config: string;
  creator: string;
  created: number;
}
interface SubRow {
  node: string;
  jid: string;
  subid: string;
  state: string;
  options: string;
}

const toNode = (r: NodeRow): NodeRecord => ({
  id: r.id,
  config: JSON.parse(r.config),
  creator: r.creator,
  created: r.created,
});
const toSub = (r: SubRow): SubscriptionRecord => ({
  node: r.node,
  jid: r.jid,
  subid: r.subid,
  state: r.state as SubscriptionRecord["state"],
  options: JSON.parse(r.options),
});
const bareOf = (jid: string): string => jid.split("/")[0] as string;

/** The pubsub file as hub/db/open.ts checks it (schema version before the WAL switch). */
export const pubsubFile = (path: string) => ({
  path,
  label: "pubsub",
  schemaVersion: SCHEMA_VERSION,
  newer: (found: number) => new SchemaVersionError(found, path),
});

function prepareMeta(db: Database.Database) {
  return {
    node: db.prepare<[string], NodeRow>("SELECT * FROM nodes WHERE id = ?"),
    nodes: db.prepare<[], NodeRow>("SELECT * FROM nodes ORDER BY id"),
    insertNode: db.prepare("INSERT OR IGNORE INTO nodes (id, config, creator, created) VALUES (?, ?, ?, ?)"),
    setConfig: db.prepare("UPDATE nodes SET config = ? WHERE id = ?"),
    deleteNode: db.prepare<[string]>("DELETE FROM nodes WHERE id = ?"),
    deleteNodeAffs: db.prepare<[string]>("DELETE FROM affiliations WHERE node = ?"),
    deleteNodeSubs: db.prepare<[string]>("DELETE FROM subscriptions WHERE node = ?"),
    owned: db.prepare<[string], { n: number }>(
      "SELECT count(*) AS n FROM affiliations WHERE jid = ? AND affiliation = 'owner'",
    ),
    aff: db.prepare<[string, string], { affiliation: Affiliation }>(
      "SELECT affiliation FROM affiliations WHERE node = ? AND jid = ?",
    ),
    affs: db.prepare<[string], { jid: string; affiliation: Affiliation }>(
      "SELECT jid, affiliation FROM affiliations WHERE node = ? ORDER BY jid",
    ),
    affsOf: db.prepare<[string], { node: string; affiliation: Affiliation }>(
      "SELECT node, affiliation FROM affiliations WHERE jid = ? ORDER BY node",
    ),
    setAff: db.prepare("INSERT OR REPLACE INTO affiliations (node, jid, affiliation) VALUES (?, ?, ?)"),
    delAff: db.prepare<[string, string]>("DELETE FROM affiliations WHERE node = ? AND jid = ?"),
    subs: db.prepare<[string], SubRow>("SELECT * FROM subscriptions WHERE node = ? ORDER BY jid"),
    subsOf: db.prepare<[string, string], SubRow>(
      "SELECT * FROM subscriptions WHERE jid = ? OR bare = ? ORDER BY node, jid",
    ),
    putSub: db.prepare(
      "INSERT OR REPLACE INTO subscriptions (node, jid, bare, subid, state, options) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    delSub: db.prepare<[string, string]>("DELETE FROM subscriptions WHERE node = ? AND jid = ?"),
  };
}

export function openSqliteStore(
  options: SqliteStoreOptions,
): PubsubStore & { readonly commits: number; readonly database: Database.Database } {
  const db = openStoreDatabase({ ...pubsubFile(options.path), check: options.check, migrate });
  const q = prepareMeta(db);
  const items = prepareItems(db);
  const nodeCache = new Map<string, NodeRecord | null>();
  const subCache = new Map<string, SubscriptionRecord[]>();
  const walSync = createWalSync(db);
  const gc: GroupCommitter = createGroupCommitter(db, {
    windowMs: options.commitWindowMs ?? 0,
    sync: walSync.sync,
    onRollback: () => {
      nodeCache.clear();
      subCache.clear();
      items.clearCaches();
    },
  });

  const nodeOf = (id: string): NodeRecord | undefined => {
    let cached = nodeCache.get(id);
    if (cached === undefined) {
      const row = q.node.get(id);
      cached = row ? toNode(row) : null;
      nodeCache.set(id, cached);
    }
    return cached ?? undefined;
  };
  const subsOf = (node: string): SubscriptionRecord[] => {
    let cached = subCache.get(node);
    if (!cached) {
      cached = q.subs.all(node).map(toSub);
      subCache.set(node, cached);
    }
    return cached;
  };

  return {
    get commits() {
      return gc.commits;
    },
    /** The connection, for stores that must commit with the items (hub/history/sqlite.ts). */
    database: db,
    // The quota is counted inside the write's savepoint: no other write interleaves.
    createNode: (node, owner, maxOwned) =>
      gc.run(() => {
        if (maxOwned !== undefined && (q.owned.get(owner)?.n ?? 0) >= maxOwned) return "quota" as const;
        const inserted =
          q.insertNode.run(node.id, JSON.stringify(node.config), node.creator, node.created).changes > 0;
        if (inserted) q.setAff.run(node.id, owner, "owner");
        nodeCache.delete(node.id);
        return inserted;
      }),
    getNode: async (id) => structuredClone(nodeOf(id)),
    listNodes: async () => q.nodes.all().map(toNode),
    setNodeConfig: (id, config) =>
      gc.run(() => {
        q.setConfig.run(JSON.stringify(config), id);
        nodeCache.delete(id);
      }),
    deleteNode: (id) =>
      gc.run(() => {
        const deleted = q.deleteNode.run(id).changes > 0;
        q.deleteNodeAffs.run(id);
        q.deleteNodeSubs.run(id);
        items.purge(id);
        items.forget(id);
        nodeCache.delete(id);
        subCache.delete(id);
        return deleted;
      }),
    countOwnedNodes: async (jid) => q.owned.get(jid)?.n ?? 0,
    getAffiliation: async (node, jid) => q.aff.get(node, jid)?.affiliation ?? "none",
    getAffiliations: async (node) => new Map(q.affs.all(node).map((r) => [r.jid, r.affiliation])),
    affiliationsOf: async (jid) => q.affsOf.all(jid),
    setAffiliation: (node, jid, affiliation) =>
      gc.run(() => {
        if (affiliation === "none") q.delAff.run(node, jid);
        else q.setAff.run(node, jid, affiliation);
      }),
    setAffiliations: (node, changes) =>
      gc.run(() => {
        for (const { jid, affiliation } of changes) {
          if (affiliation === "none") q.delAff.run(node, jid);
          else q.setAff.run(node, jid, affiliation);
        }
      }),
    getSubscriptions: async (node) => subsOf(node),
    getSubscription: async (node, jid) => {
      const sub = subsOf(node).find((s) => s.jid === jid);
      return sub && structuredClone(sub);
    },
    subscriptionsOf: async (jid) => q.subsOf.all(jid, jid).map(toSub),
    putSubscription: (sub) =>
      gc.run(() => {
        q.putSub.run(sub.node, sub.jid, bareOf(sub.jid), sub.subid, sub.state, JSON.stringify(sub.options));
        subCache.delete(sub.node);
      }),
    addSubscription: (sub, maxPerNode) =>
      gc.run((): AddSubscriptionResult => {
        const subs = subsOf(sub.node);
        const existing = subs.find((s) => s.jid === sub.jid);
        if (existing) return { status: "exists", existing: structuredClone(existing) };
        if (subs.length >= maxPerNode) return { status: "quota" };
        q.putSub.run(sub.node, sub.jid, bareOf(sub.jid), sub.subid, sub.state, JSON.stringify(sub.options));
        subCache.delete(sub.node);
        return { status: "added" };
      }),
    removeSubscription: (node, jid) =>
      gc.run(() => {
        const removed = q.delSub.run(node, jid).changes > 0;
        subCache.delete(node);
        return removed;
      }),
    changeSubscriptions: (node, put, remove) =>
      gc.run(() => {
        for (const sub of put) {
          if (sub.node !== node) continue;
          q.putSub.run(sub.node, sub.jid, bareOf(sub.jid), sub.subid, sub.state, JSON.stringify(sub.options));
        }
        for (const jid of remove) q.delSub.run(node, jid);
        subCache.delete(node);
      }),
    countSubscriptions: async (node) => subsOf(node).length,

    putItem: (node, item, opts) => gc.run(() => items.put(node, item, opts)),
    // Reads wait for an open group to commit: nobody sees an item its publisher has not yet been
    // told is stored (it could still roll back, or be lost in a crash).
    getItem: async (node, id) => {
      await gc.idle();
      return items.get(node, id);
    },
    getItems: async (node, query) => {
      await gc.idle();
      return items.page(node, query);
    },
    lastItem: async (node) => {
      await gc.idle();
      return items.last(node);
    },
    deleteItem: (node, id) => gc.run(() => items.remove(node, id)),
    purgeItems: (node) => gc.run(() => items.purge(node)),
    expireItems: (node, cutoff) => gc.run(() => items.expire(node, cutoff)),
    trimItems: (node, maxItems) => gc.run(() => items.trim(node, maxItems)),
    close: async () => {
      gc.flush();
      await walSync.close();
      db.close();
    },
  };
}
