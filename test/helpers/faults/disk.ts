/* Disk full on purpose: a folder on its own small tmpfs mount (root only), filled to the last page
 * with a ballast file and freed again. Only the folder under test is on the mount; whatever must
 * survive the fault (the test's own records) lives elsewhere. */
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN): probed once. */
export function canMountTmpfs(scratch: string): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = join(scratch, `.tmpfs-probe-${process.pid}`);
  mkdirSync(probe, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

export interface SmallDisk {
  readonly dir: string;
  /** Fills the mount with a ballast file until a write fails with ENOSPC; resolves with its size. */
  fill(): number;
  /** Deletes the ballast. */
  free(): void;
  readonly full: boolean;
  /** Unmounts (after everything using the folder stopped); the folder is left empty. */
  unmount(): void;
}

const BALLAST = ".ballast";

/** Mounts a tmpfs of `sizeMb` on `dir` (created if needed, must be empty). */
export function mountSmallDisk(dir: string, sizeMb: number): SmallDisk {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty; mount it before use`);
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m,mode=0700`, "tmpfs", dir]);
  let full = false;
  let mounted = true;
  const ballast = join(dir, BALLAST);
  return {
    dir,
    get full() {
      return full;
    },
    fill() {
      const fd = openSync(ballast, "a");
      let size = 0;
      try {
        // Big chunks first, then single pages: tmpfs counts whole pages.
        for (const chunk of [Buffer.alloc(1 << 20, 0x78), Buffer.alloc(4096, 0x78), Buffer.alloc(1, 0x78)]) {
          for (;;) {
            try {
              size += writeSync(fd, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === "ENOSPC") break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      full = true;
      return size;
    },
    free() {
      rmSync(ballast, { force: true });
      full = false;
    },
    unmount() {
      if (!mounted) return;
      rmSync(ballast, { force: true });
      try {
        execFileSync("umount", [dir], { stdio: "ignore" });
      } catch {
        // Busy while a killed child's last handles close: detach it now, freed when they are.
        execFileSync("umount", ["-l", dir], { stdio: "ignore" });
      }
      mounted = false;
    },
  };
}
