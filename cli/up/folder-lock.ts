/* One `xiot up` or `xiot server` per data folder. A second start on a folder in use is refused
 * before it touches anything (Prosody, server.json, the config, accounts, devices, boot counter),
 * naming the running process and how to reach it. The lock is the agent's state-folder lock
 * (agent/state-lock.ts) under another name: held by the kernel, so a holder that is gone, even
 * after SIGKILL, leaves nothing to take over but its file, which is overwritten. */

import { join } from "node:path";
import { acquireStateLock, type LockHolder, type LockKind, type StateLock } from "../../agent/state-lock";
import type { Logger } from "../../shared/log";

export const FOLDER_LOCK: LockKind = { name: "xiot-folder", file: "xiot.lock" };

/** EX_CANTCREAT (sysexits.h), as `xiot agent` exits for a state folder in use. */
export const FOLDER_IN_USE_EXIT_CODE = 73;

/** What the holder writes into the lock file for a second starter to show. */
export interface FolderDetails {
  /** "xiot up" or "xiot server". */
  command: string;
  /** Set once it is up. */
  dashboard?: string;
  /** The JID to chat commands to. */
  chat?: string;
  /** Where clients connect. */
  c2s?: string;
}

export class FolderInUseError extends Error {
  override readonly name = "FolderInUseError";
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(inUseMessage(dir, holder));
  }
}

/** Locks `dir` for `command`; throws FolderInUseError when a live process holds it. `shown` is the
 * folder as the user named it, for the message. */
export async function lockFolder(options: {
  dir: string;
  shown?: string;
  command: string;
  log: Logger;
}): Promise<StateLock> {
  const { dir, shown = dir, command, log } = options;
  const details: FolderDetails = { command };
  const lock = await acquireStateLock({ dir, log, kind: FOLDER_LOCK, details: { ...details } });
  if (!lock.ok) throw new FolderInUseError(shown, lock.error.holder);
  return lock.value;
}

export function inUseMessage(dir: string, holder: LockHolder | undefined, now = new Date()): string {
  if (holder === undefined)
    return `${dir} is in use by another xiot process that is starting (it has not written ${FOLDER_LOCK.file} yet); try again in a moment`;
  const d = (holder.details ?? {}) as Partial<FolderDetails>;
  const what = typeof d.command === "string" ? d.command : "another xiot process";
  const reach = [
    typeof d.dashboard === "string" ? `dashboard ${d.dashboard}` : undefined,
    typeof d.chat === "string" ? `chat to ${d.chat}` : undefined,
    typeof d.c2s === "string" && typeof d.dashboard !== "string" ? `clients connect to ${d.c2s}` : undefined,
  ].filter((part) => part !== undefined);
  const where = reach.length > 0 ? reach.join(", ") : "still starting";
  return (
    `${dir} is in use by ${what} (pid ${holder.pid}, started ${clockTime(holder.startedAt, now)}): ${where}; ` +
    `stop it with Ctrl-C in its terminal or kill ${holder.pid}`
  );
}

/** "16:40" today, "2026-03-01 16:40" another day (local time); the text as given if unreadable. */
export function clockTime(iso: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  return day === today ? time : `${day} ${time}`;
}

/** `xiot up` locks its folder and the server folder in it (so `xiot server --dir .xiot/server` is
 * refused too); both or neither. */
export async function lockStack(options: { dir: string; shown: string; log: Logger }): Promise<StateLock[]> {
  const { dir, shown, log } = options;
  const stack = await lockFolder({ dir, shown, command: "xiot up", log });
  try {
    const server = await lockFolder({
      dir: join(dir, "server"),
      shown: join(shown, "server"),
      command: "xiot up",
      log,
    });
    return [stack, server];
  } catch (error) {
    await stack.release();
    throw error;
  }
}
