/* Durable file replacement: write a temporary file, fsync it, rename it over the target, fsync the
 * directory. After a crash the target holds either the old or the new content, never a mix. */
import { open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** fsync a directory so that a rename or a new file inside it survives a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes through a temporary file, fsync and rename; `mode` applies from the first byte. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const handle = await open(tmp, "w", mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    // Why: the temporary file is garbage once the write failed; the original error is what matters.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await handle.close();
  await rename(tmp, path);
  await fsyncDir(dir);
}

/** Removes temporary files a crash left behind from writeFileAtomic(`<dir>/<name>`). */
export async function removeStaleTemps(dir: string, name: string): Promise<void> {
  const prefix = `.${name}.`;
  for (const entry of await readdir(dir)) {
    if (entry.startsWith(prefix) && entry.endsWith(".tmp")) await rm(join(dir, entry), { force: true });
  }
}
