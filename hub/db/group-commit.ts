/* Group commit over one better-sqlite3 connection.
 *
 * Writes that arrive within one commit window run at once inside a shared transaction (each in
 * its own SAVEPOINT, so a failing write undoes only itself), and the whole group is committed
 * with one COMMIT, which under `synchronous=FULL` in WAL mode is one fsync of the WAL. Every
 * caller's promise settles only after that COMMIT returned, so an acknowledgement sent on it is
 * backed by a durable commit. Reads on the same connection see the group's uncommitted writes
 * (read-your-writes for the single hub process). */
import type { Database } from "better-sqlite3";

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  value: unknown;
}

export interface GroupCommitOptions {
  /** 0 = commit on the next turn of the event loop (setImmediate); >0 = wait that many ms. */
  windowMs?: number;
  /** Called after a failed COMMIT was rolled back, so that caches can be dropped. */
  onRollback?: () => void;
}

export interface GroupCommitter {
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

  const schedule = (): void => {
    timer = windowMs > 0 ? setTimeout(flush, windowMs) : setImmediate(flush);
  };

  function flush(): void {
    if (!open) return;
    if (timer !== undefined) {
      clearTimeout(timer as NodeJS.Timeout);
      clearImmediate(timer as NodeJS.Immediate);
      timer = undefined;
    }
    const group = waiters;
    const readers = idleWaiters;
    waiters = [];
    idleWaiters = [];
    open = false;
    try {
      db.exec("COMMIT");
      commits++;
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      options.onRollback?.();
      for (const r of readers) r();
      for (const w of group) w.reject(error);
      return;
    }
    // Readers first: their continuations then run before a writer's can open the next group.
    for (const r of readers) r();
    for (const w of group) w.resolve(w.value);
  }

  async function idle(): Promise<void> {
    while (open) await new Promise<void>((resolve) => idleWaiters.push(resolve));
  }

  function run<T>(op: () => T): Promise<T> {
    if (!open) {
      db.exec("BEGIN IMMEDIATE");
      open = true;
      schedule();
    }
    db.exec("SAVEPOINT w");
    let value: T;
    try {
      value = op();
      db.exec("RELEASE w");
    } catch (error) {
      db.exec("ROLLBACK TO w");
      db.exec("RELEASE w");
      return Promise.reject(error);
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
