/* Store-level failures every hub store reports the same way, whatever the backend.
 * References: https://sqlite.org/rescode.html#full (SQLITE_FULL), https://sqlite.org/rescode.html#ioerr
 * (SQLITE_IOERR_*: ENOSPC on fsync or truncate comes back as an I/O error), RFC 6120 §8.3.3.18
 * (resource-constraint: `wait`, the request may succeed later), shared/xmpp/errors.ts (the table).
 *
 * A full disk is not a bug: the write is undone and the caller is told to retry later. Stores
 * reject with a StoreError carrying an error code of the one table, so every protocol edge answers
 * `<resource-constraint/>` of type `wait` and an agent keeps the reading for a later retry. */
import { statfsSync } from "node:fs";
import { dirname } from "node:path";

/** Codes of shared/xmpp/errors.ts that a store may reject with. */
export type StoreErrorCode = "storage-full";

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}

export const isStoreError = (error: unknown): error is StoreError => error instanceof StoreError;

/** Below this much free space, an I/O error on the store's folder is taken for a full disk. */
const LOW_SPACE_BYTES = 1024 * 1024;

const codeOf = (error: unknown): string =>
  typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
    ? (error as { code: string }).code
    : "";

function lowOnSpace(file: string | undefined): boolean {
  if (file === undefined || file === "" || file === ":memory:") return false;
  try {
    const s = statfsSync(dirname(file));
    return s.bavail * s.bsize < LOW_SPACE_BYTES;
  } catch {
    return false; // the folder is gone or unreadable: not evidence of a full disk
  }
}

/** True for a disk-full failure: SQLITE_FULL, ENOSPC/EDQUOT, or an SQLite I/O error on a full disk. */
export function isDiskFull(error: unknown, file?: string): boolean {
  if (isStoreError(error)) return error.code === "storage-full";
  const code = codeOf(error);
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT") return true;
  // better-sqlite3 does not pass errno on: SQLITE_IOERR_WRITE/_FSYNC/_TRUNCATE/_SHMSIZE from
  // ENOSPC is recognised by the free space left where the file lives.
  return code.startsWith("SQLITE_IOERR") && lowOnSpace(file);
}

/** The StoreError for a disk-full failure, or the error itself (a bug stays a bug). */
export function toStoreError(error: unknown, file?: string): unknown {
  if (isStoreError(error) || !isDiskFull(error, file)) return error;
  const where = file && file !== ":memory:" ? ` (${file})` : "";
  return new StoreError("storage-full", `storage full${where}: the write was undone, retry later`, {
    cause: error,
  });
}

/** Runs a synchronous store step, turning a disk-full failure into a StoreError. */
export function guardStore<T>(file: string | undefined, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw toStoreError(error, file);
  }
}
