/* References: docs/design.md §2 (item ids `<bootId>-<seq>`: one boot counter and one outbox per state
 * folder), docs/protocol.md ("One agent per state folder").
 *
 * One agent per state folder. Two agents on one folder would interleave boot counters and outbox
 * keys, and an acknowledgement for a reused key could delete the other's unsent record.
 *
 * The exclusion is held by the kernel: on Linux a Unix socket bound in the abstract namespace
 * under a name derived from the folder's device and inode. Binding is atomic, and the kernel
 * releases the name when the holder exits in any way, SIGKILL and power loss included, so there is
 * no stale lock to judge and no take-over race. (Node has no flock(2); lock files judged by pid
 * liveness, as proper-lockfile and pid files do, race between two processes taking over the same
 * stale file.) Abstract names are per network namespace: the service and a manual run on the
 * board share one; containers on one folder do not, which the lock file below still reports.
 *
 * The holder also writes `agent.lock` (pid, user, host, start time) so that the second agent can
 * say who holds the folder; a file left by a dead holder is just overwritten. Where abstract
 * sockets do not exist (not Linux), the file alone is the lock: created exclusively (link(2) of a
 * complete temporary file), judged stale when its pid is dead on this host, then replaced.
 *
 * The same lock, under another name and file, keeps one `xiot up` or `xiot server` per data folder
 * (cli/up/folder-lock.ts); its holder adds details (how to reach it) to the file once it is up. */
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import type { Logger } from "../shared/log";
import { writeFileAtomic } from "./outbox/atomic";

export const LOCK_FILE = "agent.lock";

export interface LockHolder {
  pid: number;
  user: string;
  host: string;
  /** When the holder took the lock, ISO 8601. */
  startedAt: string;
  /** Whatever else the holder tells a second starter (e.g. how to reach it). */
  details?: Record<string, unknown>;
}

export interface StateLock {
  readonly holder: LockHolder;
  /** Rewrites the lock file with these details; the lock itself is not touched. */
  describe(details: Record<string, unknown>): Promise<void>;
  release(): Promise<void>;
}

/** What is locked: the abstract socket's name prefix and the file naming the holder. */
export interface LockKind {
  name: string;
  file: string;
}

export const AGENT_STATE_LOCK: LockKind = { name: "xiot-agent-state", file: LOCK_FILE };

export type LockResult =
  | { ok: true; value: StateLock }
  /** Held by another live process; `holder` is undefined while it has not written its details yet. */
  | { ok: false; error: { dir: string; holder: LockHolder | undefined } };

export class StateLockedError extends Error {
  override readonly name = "StateLockedError";
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(lockedMessage(dir, holder));
  }
}

export function lockedMessage(dir: string, holder: LockHolder | undefined): string {
  const who =
    holder === undefined
      ? "another process (it has not written agent.lock yet)"
      : `pid ${holder.pid} (user ${holder.user}, host ${holder.host}, started ${holder.startedAt})`;
  return `state folder ${dir} is in use by ${who}; stop that agent or give this one another --state.dir`;
}

export interface LockOptions {
  dir: string;
  log?: Logger;
  /** Injectable for tests: use the abstract socket (default: on Linux). */
  kernel?: boolean;
  pid?: number;
  /** Does `pid` run on this host? Default: signal 0. */
  alive?: (pid: number) => boolean;
  /** Default: the agent's state folder. */
  kind?: LockKind;
  /** Written into the lock file with the holder from the start. */
  details?: Record<string, unknown>;
}

export async function acquireStateLock(o: LockOptions): Promise<LockResult> {
  await mkdir(o.dir, { recursive: true });
  const kind = o.kind ?? AGENT_STATE_LOCK;
  const me: LockHolder = {
    pid: o.pid ?? process.pid,
    user: safeUser(),
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...(o.details ? { details: o.details } : {}),
  };
  const path = join(o.dir, kind.file);
  if (o.kernel ?? process.platform === "linux") {
    const { dev, ino } = await stat(o.dir);
    const server = await bindAbstract(`\0${kind.name}:${dev}:${ino}`);
    if (server === undefined) return { ok: false, error: { dir: o.dir, holder: await readHolder(path) } };
    const stale = await readHolder(path);
    if (stale !== undefined && stale.pid !== me.pid)
      o.log?.info({ stale }, `${o.dir}: taking over the lock of pid ${stale.pid}, which is gone`);
    // The name is the lock; the file only tells a second agent who holds it. On a full disk the
    // agent still starts, and a second one is refused without the holder's details.
    await writeFileAtomic(path, `${JSON.stringify(me)}\n`).catch((err: unknown) => {
      o.log?.warn({ err }, "state folder: agent.lock not written (the lock holds without it)");
    });
    return { ok: true, value: kernelLock(me, server, path) };
  }
  return fileLock(o, me, path);
}

function kernelLock(holder: LockHolder, server: Server, path: string): StateLock {
  let released = false;
  return {
    holder,
    describe: (details) => writeHolder(path, holder, details),
    async release() {
      if (released) return;
      released = true;
      // The file first: once the name is free, another agent may write its own.
      await rm(path, { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Binds the abstract name; undefined when another process holds it. */
function bindAbstract(name: string): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", (err: NodeJS.ErrnoException) =>
      err.code === "EADDRINUSE" ? resolve(undefined) : reject(err),
    );
    server.listen({ path: name, exclusive: true }, () => {
      server.unref(); // the lock must not keep the process alive
      resolve(server);
    });
  });
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(path, "utf8")) as Partial<LockHolder>;
    if (!Number.isSafeInteger(h.pid) || typeof h.user !== "string" || typeof h.host !== "string")
      return undefined;
    const details =
      h.details !== null && typeof h.details === "object" && !Array.isArray(h.details)
        ? { details: h.details }
        : {};
    return { pid: h.pid as number, user: h.user, host: h.host, startedAt: String(h.startedAt), ...details };
  } catch {
    // Why: a missing or torn file only means the details are unknown.
    return undefined;
  }
}

/** The file-only lock (no abstract sockets): exclusive creation, stale when the pid is dead here. */
async function fileLock(o: LockOptions, me: LockHolder, path: string): Promise<LockResult> {
  const alive = o.alive ?? pidAlive;
  const tmp = `${path}.${me.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify(me)}\n`, { flush: true });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(tmp, path); // atomic, and the file appears complete
        return { ok: true, value: fileHeld(me, path) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const holder = await readHolder(path);
      if (holder !== undefined && (holder.host !== me.host || alive(holder.pid)))
        return { ok: false, error: { dir: o.dir, holder } };
      o.log?.info({ stale: holder }, `${o.dir}: removing the lock of a holder that is gone`);
      await unlink(path).catch(() => undefined); // Why: another starter may have removed it first
    }
    return { ok: false, error: { dir: o.dir, holder: await readHolder(path) } };
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Replaces the lock file's details (atomically: a reader sees the old file or the new one). */
async function writeHolder(path: string, holder: LockHolder, details: Record<string, unknown>) {
  holder.details = details;
  await writeFileAtomic(path, `${JSON.stringify(holder)}\n`);
}

function fileHeld(holder: LockHolder, path: string): StateLock {
  let released = false;
  return {
    holder,
    async describe(details) {
      // Only while the file is still ours: a later holder's file is never overwritten.
      const now = await readHolder(path);
      if (now?.pid === holder.pid && now.startedAt === holder.startedAt)
        await writeHolder(path, holder, details);
    },
    async release() {
      if (released) return;
      released = true;
      const now = await readHolder(path);
      if (now?.pid === holder.pid && now.startedAt === holder.startedAt) await rm(path, { force: true });
    },
  };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // alive, another user's
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? "unknown");
  }
}
