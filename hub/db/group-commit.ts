/* Group commit over one better-sqlite3 connection.
 * References: https://sqlite.org/lang_transaction.html ("Response To Errors Within A
 * Transaction": SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY and SQLITE_NOMEM may roll the whole
 * transaction back), https://sqlite.org/lang_savepoint.html, ./errors.ts (disk-full failures).
 *
 * Writes that arrive within one commit window run at once inside a shared transaction (each in
 * its own SAVEPOINT, so a failing write undoes only itself), and the whole group is committed
 * with one COMMIT, which under `synchronous=FULL` in WAL mode is one fsync of the WAL. Every
 * caller's promise settles only after that COMMIT returned, so an acknowledgement sent on it is
 * backed by a durable commit. With a `sync` (./wal-sync.ts: `synchronous=NORMAL` and the WAL
 * flushed off the event loop), the promises settle once the flush that follows the COMMIT is done,
 * and the next group runs meanwhile; a failed flush rejects the group's callers (their writes are
 * committed, but not known to be on disk, so nobody is told "stored"). Reads on the same
 * connection see the group's uncommitted writes (read-your-writes for the single hub process).
 *
 * Nothing is half-written: when SQLite rolled the whole transaction back by itself (a full disk
 * in the middle of a write), every write of the group is gone, so every caller of the group is
 * rejected, never told "stored"; the next write opens a new group. A disk-full failure rejects
 * with a StoreError (`storage-full`); the connection stays usable once space returns. */
import type { Database } from "better-sqlite3";
import { isDiskFull, StoreError, toStoreError } from "./errors";

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  value: unknown;
}

export interface GroupCommitOptions {
  /** 0 = commit on the next turn of the event loop (setImmediate); >0 = wait that many ms. */
  windowMs?: number;
  /** Called after any rollback (of one write or of a group), so that caches can be dropped. */
  onRollback?: () => void;
  /** Makes a COMMIT durable (./wal-sync.ts); without it, the COMMIT itself must be (FULL). */
  sync?: () => Promise<void>;
}

export interface GroupCommitter {
  /** Runs `op` inside the open group; never throws, rejects instead. */
  run<T>(op: () => T): Promise<T>;
  /** Commits the open group now (no-op when none is open). */
  flush(): void;
  /** Resolves when no group is open: what a read then sees is committed (no dirty reads). */
  idle(): Promise<void>;
  /** Number of COMMITs issued so far (for tests and metrics). */
  readonly commits: number;
}

export function createGroupCommitter(db: Database, options: GroupCommitOptions = {}): GroupCommitter {
  const windowMs = options.windowMs ?? 0;
  let waiters: Waiter[] = [];
  let open = false;
  let commits = 0;
  let timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];
  const fail = (error: unknown): unknown => toStoreError(error, db.name);

  const schedule = (): void => {
    timer = windowMs > 0 ? setTimeout(flush, windowMs) : setImmediate(flush);
  };

  /** Closes the open group: hands back its waiters and readers, clears the timer. */
  function close(): { group: Waiter[]; readers: (() => void)[] } {
    if (timer !== undefined) {
      clearTimeout(timer as NodeJS.Timeout);
      clearImmediate(timer as NodeJS.Immediate);
      timer = undefined;
    }
    const closed = { group: waiters, readers: idleWaiters };
    waiters = [];
    idleWaiters = [];
    open = false;
    return closed;
  }

  /** Rolls the whole group back (if SQLite has not already) and rejects every waiter. */
  function abort(error: unknown): void {
    const { group, readers } = close();
    try {
      if (db.inTransaction) db.exec("ROLLBACK");
    } catch {
      // ROLLBACK fails only when no transaction is left, which is the state wanted.
    }
    options.onRollback?.();
    for (const r of readers) r();
    for (const w of group) w.reject(error);
  }

  function flush(): void {
    if (!open) return;
    if (!db.inTransaction) {
      abort(fail(new Error("the group's transaction was rolled back")));
      return;
    }
    try {
      db.exec("COMMIT");
      commits++;
    } catch (error) {
      abort(fail(error));
      return;
    }
    const { group, readers } = close();
    // Readers first: their continuations then run before a writer's can open the next group.
    for (const r of readers) r();
    if (!options.sync) for (const w of group) w.resolve(w.value);
    else
      options.sync().then(
        () => {
          for (const w of group) w.resolve(w.value);
        },
        (error: unknown) => {
          const failure = isDiskFull(error, db.name)
            ? new StoreError(
                "storage-full",
                `storage full (${db.name}): the write was not flushed to disk, retry later`,
                {
                  cause: error,
                },
              )
            : error;
          for (const w of group) w.reject(failure);
        },
      );
  }

  async function idle(): Promise<void> {
    while (open) await new Promise<void>((resolve) => idleWaiters.push(resolve));
  }

  /** Undoes a failed write: its savepoint, or the whole group when SQLite dropped the transaction. */
  function undo(error: unknown): void {
    if (db.inTransaction) {
      try {
        db.exec("ROLLBACK TO w");
        db.exec("RELEASE w");
        options.onRollback?.();
        return;
      } catch {
        // The savepoint is gone with the transaction: fall through and drop the group.
      }
    }
    abort(error);
  }

  function run<T>(op: () => T): Promise<T> {
    try {
      if (!open) {
        db.exec("BEGIN IMMEDIATE");
        open = true;
        schedule();
      }
      db.exec("SAVEPOINT w");
    } catch (error) {
      const failure = fail(error);
      if (open) abort(failure);
      return Promise.reject(failure);
    }
    let value: T;
    try {
      value = op();
      db.exec("RELEASE w");
    } catch (error) {
      const failure = fail(error);
      undo(failure);
      return Promise.reject(failure);
    }
    return new Promise<T>((resolve, reject) => {
      waiters.push({ resolve: resolve as (v: unknown) => void, reject, value });
    });
  }

  return {
    run,
    flush,
    idle,
    get commits() {
      return commits;
    },
  };
}
