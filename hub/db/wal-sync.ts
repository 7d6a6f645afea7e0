/* The WAL flushed off the event loop: what makes a group commit durable without blocking the hub.
 * References: https://sqlite.org/pragma.html#pragma_synchronous, https://sqlite.org/wal.html
 * ("Durability"), fdatasync(2), https://nodejs.org/api/fs.html#fsfdatasyncfd-callback.
 *
 * Under `synchronous=FULL` every COMMIT in WAL mode fsyncs the WAL inside the call, and
 * better-sqlite3 is synchronous, so the hub's one thread stood still for each flush (a third of
 * the ingest wall time in the history benchmark) instead of parsing the next publishes. Here the
 * connection runs `synchronous=NORMAL`, under which SQLite still syncs the WAL before every
 * checkpoint and the database after it (so the file is never inconsistent), only not at COMMIT;
 * `sync()` then fdatasyncs the WAL file on libuv's thread pool, and whoever acknowledges a write
 * waits for it (./group-commit.ts). A commit is therefore acknowledged only once its frames are
 * on disk, as under FULL. fsync flushes the file, not the descriptor, so our own read-only
 * descriptor flushes the frames SQLite wrote through its own.
 *
 * One flush is in flight at a time; commits that land while it runs share the next one. The WAL
 * lives as long as the connection (SQLite deletes it only when the last connection closes, and
 * this one is open); if it was replaced anyway, the descriptor is reopened. An in-memory or
 * non-WAL database has nothing to flush and keeps its own `synchronous` setting. */
import { closeSync, fdatasync as fsFdatasync, fstatSync, openSync } from "node:fs";
import type { Database } from "better-sqlite3";

export interface WalSync {
  /** Resolves once every frame committed before the call is on disk; rejects with the I/O error. */
  sync(): Promise<void>;
  /** Waits for the flushes in flight, then releases the descriptor. */
  close(): Promise<void>;
}

export interface WalSyncOptions {
  /** The flush itself (fs.fdatasync); replaceable to count flushes in unit tests. */
  fdatasync?: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;
}

export function createWalSync(db: Database, options: WalSyncOptions = {}): WalSync {
  const wal = !db.memory && String(db.pragma("journal_mode", { simple: true })).toLowerCase() === "wal";
  if (!wal) return { sync: () => Promise.resolve(), close: () => Promise.resolve() };
  db.pragma("synchronous = NORMAL");
  const flush = options.fdatasync ?? fsFdatasync;
  const path = `${db.name}-wal`;
  let fd: number | undefined;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  /** The WAL's descriptor, reopened if the file it names was unlinked; undefined if none exists. */
  function descriptor(): number | undefined {
    if (fd !== undefined && fstatSync(fd).nlink > 0) return fd;
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    try {
      fd = openSync(path, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    return fd;
  }

  const once = () =>
    new Promise<void>((resolve, reject) => {
      const target = descriptor();
      // No WAL file: nothing was ever committed through it, or a checkpoint moved it all into
      // the database and synced that (SQLite deletes a WAL only after such a checkpoint).
      if (target === undefined) resolve();
      else flush(target, (error) => (error ? reject(error) : resolve()));
    });

  function sync(): Promise<void> {
    if (!running) {
      running = once().finally(() => {
        running = undefined;
      });
      return running;
    }
    // A flush already running may have started before this commit's frames were written.
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return sync();
      });
    return queued;
  }

  return {
    sync,
    async close() {
      await queued?.catch(() => undefined);
      await running?.catch(() => undefined);
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
