/* Carries out a flash plan under a root folder: each file written beside its place and renamed
 * into it, links replaced the same way; as root, ownership set to the uid/gid the target's own
 * passwd gives (never this machine's). Returns what was written, for the manifest. */
import { execFile } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { SERVICE_USER } from "./layout";
import { fileData, type Operation, type Owner } from "./plan";
import { type Ids, lookupUser } from "./rootfs";

const run = promisify(execFile);

export interface Written {
  path: string;
  kind: "dir" | "file" | "symlink" | "removed";
  mode?: number;
  uid?: number;
  gid?: number;
  target?: string;
}

const under = (root: string, path: string) => join(root, path);

function replaceSymlink(full: string, target: string): void {
  const temp = `${full}.xiot-new`;
  rmSync(temp, { force: true });
  symlinkSync(target, temp);
  renameSync(temp, full);
}

/** `fat`: the boot partition (vfat keeps no modes; chmod there fails or means nothing). */
function writeOne(root: string, op: Operation, fat: boolean): void {
  const full = under(root, op.path);
  switch (op.kind) {
    case "dir":
      mkdirSync(full, { recursive: true });
      chmodSync(full, op.mode);
      return;
    case "file": {
      const temp = `${full}.xiot-new`;
      writeFileSync(temp, fileData(op), { mode: op.mode });
      if (!fat) chmodSync(temp, op.mode);
      renameSync(temp, full);
      return;
    }
    case "symlink":
      if (existsSync(full) && !lstatSync(full).isSymbolicLink())
        throw new Error(`${full} exists and is not a link; nothing replaced it`);
      replaceSymlink(full, op.target);
      return;
    case "remove":
      rmSync(full, { force: true });
  }
}

/** Writes `ops` under `root`; returns each path as written (before ownership). */
export function applyOperations(root: string, ops: Operation[], fat = false): Written[] {
  return ops.map((op) => {
    writeOne(root, op, fat);
    if (op.kind === "symlink") return { path: op.path, kind: "symlink", target: op.target };
    if (op.kind === "remove") return { path: op.path, kind: "removed" };
    return { path: op.path, kind: op.kind, mode: op.mode };
  });
}

export interface UserSetup {
  ids?: Ids;
  /** How the user came to exist: already there, created now, or left to the first boot. */
  how: "existing" | "systemd-sysusers --root" | "first boot";
  note?: string;
}

/** Makes the service user exist in the target's passwd/group with systemd-sysusers --root, which
 * reads the sysusers.d file just written there; else the first boot's systemd-sysusers.service
 * does it (/usr is touched so that its ConditionNeedsUpdate= holds). */
export async function ensureServiceUser(root: string): Promise<UserSetup> {
  const before = lookupUser(root, SERVICE_USER);
  if (before) return { ids: before, how: "existing" };
  try {
    await run("systemd-sysusers", [`--root=${root}`, "xiot.conf"], { timeout: 30_000 });
    const ids = lookupUser(root, SERVICE_USER);
    if (ids) return { ids, how: "systemd-sysusers --root" };
  } catch (error) {
    const note = `systemd-sysusers --root failed (${(error as Error).message.split("\n")[0]})`;
    return { how: "first boot", note: `${note}; ${touchUsr(root)}` };
  }
  return { how: "first boot", note: touchUsr(root) };
}

function touchUsr(root: string): string {
  const now = new Date();
  utimesSync(join(root, "usr"), now, now);
  return "the user is created at first boot by systemd-sysusers.service; tmpfiles.d then fixes ownership";
}

/** As root, gives each path the owner its operation asks for; records the ids either way. */
export function applyOwnership(
  root: string,
  ops: Operation[],
  written: Written[],
  ids: Ids | undefined,
): boolean {
  const asRoot = process.getuid?.() === 0;
  const idsOf = (o: Owner): Ids | undefined =>
    o === "root" ? { uid: 0, gid: 0 } : ids && (o === "service" ? ids : { uid: 0, gid: ids.gid });
  ops.forEach((op, i) => {
    const entry = written[i];
    if (!entry || (op.kind !== "dir" && op.kind !== "file")) return;
    const want = idsOf(op.owner) ?? { uid: 0, gid: 0 };
    entry.uid = want.uid;
    entry.gid = want.gid;
    if (asRoot) chownSync(under(root, op.path), want.uid, want.gid);
  });
  if (asRoot) for (const w of written) if (w.kind === "symlink") lchownSync(under(root, w.path), 0, 0);
  return asRoot;
}
