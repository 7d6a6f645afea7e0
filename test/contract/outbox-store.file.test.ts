/* The outbox store contract against the file store, on a small tmpfs of its own so that the
 * disk-full cases fill a real file system (ENOSPC from the kernel). Needs root to mount it. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openFileOutboxStore } from "../../agent/outbox/file";
import { outboxStoreContract } from "./outbox-store.contract";

const dirs: string[] = [];
const dirOf = new WeakMap<object, string>();
let mount = "";

beforeAll(() => {
  if (process.getuid?.() !== 0)
    throw new Error("the file outbox contract mounts a tmpfs to fill a disk: run it as root (CI does)");
  mount = mkdtempSync(join(tmpdir(), "xiot-outbox-tmpfs-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount]);
});
afterAll(() => {
  if (mount === "") return;
  execFileSync("umount", [mount]);
  rmSync(mount, { recursive: true, force: true });
});

const filler = () => join(mount, "filler");

/** Writes the filler until the kernel says ENOSPC even for one byte. */
async function fill(): Promise<void> {
  const handle = await open(filler(), "a");
  try {
    for (let chunk = 256 * 1024; chunk >= 1; chunk = Math.floor(chunk / 4)) {
      const buf = Buffer.alloc(chunk, 0x5a);
      for (;;) {
        try {
          const { bytesWritten } = await handle.write(buf);
          if (bytesWritten < chunk) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
          break;
        }
      }
    }
  } finally {
    await handle.close();
  }
}

for (const fsync of ["always", "interval:50", "never"]) {
  outboxStoreContract(`file (fsync ${fsync})`, {
    async open(limits) {
      const base = join(mount, "stores");
      mkdirSync(base, { recursive: true });
      const dir = await mkdtemp(join(base, "outbox-"));
      dirs.push(dir);
      const store = await openFileOutboxStore({ dir, limits, fsync, compactMinBytes: 64 });
      dirOf.set(store, dir);
      return store;
    },
    async reopen(store, limits) {
      await store.close();
      const dir = dirOf.get(store)!;
      const again = await openFileOutboxStore({ dir, limits, fsync, compactMinBytes: 64 });
      dirOf.set(again, dir);
      return again;
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    },
    disk: { fill, free: () => rm(filler(), { force: true }) },
  });
}
