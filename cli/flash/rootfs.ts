/* What a target root file system is: a Raspberry Pi OS (Debian) root, its architecture, its
 * systemd version, and the uid/gid it gives a user. Reads only. References: os-release(5),
 * passwd(5), group(5). */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ARCH_INFO, ARCHES, type Arch } from "./layout";

export interface RootfsCheck {
  ok: boolean;
  /** What is missing, each in words a person can act on. */
  missing: string[];
  osId?: string;
  codename?: string;
}

function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1]) out[m[1]] = (m[2] ?? "").replace(/^["']|["']$/g, "");
  }
  return out;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** A Raspberry Pi OS root: Debian or Raspbian os-release, a Pi marker, systemd, passwd/group. */
export function checkRootfs(root: string): RootfsCheck {
  if (!isDir(root)) return { ok: false, missing: [`${root} is not a directory`] };
  const missing: string[] = [];
  const osPath = ["etc/os-release", "usr/lib/os-release"].find((p) => existsSync(join(root, p)));
  const os = osPath ? parseOsRelease(readFileSync(join(root, osPath), "utf8")) : {};
  if (!osPath) missing.push("etc/os-release");
  else if (os.ID !== "debian" && os.ID !== "raspbian")
    missing.push(`ID=debian or ID=raspbian in ${osPath} (it says ID=${os.ID ?? "nothing"})`);
  const piMarker = ["etc/rpi-issue", "boot/firmware"].some((p) => existsSync(join(root, p)));
  if (!piMarker) missing.push("a Raspberry Pi marker (etc/rpi-issue or boot/firmware)");
  if (!isDir(join(root, "usr/lib/systemd"))) missing.push("usr/lib/systemd (systemd)");
  for (const f of ["etc/passwd", "etc/group"]) if (!existsSync(join(root, f))) missing.push(f);
  return { ok: missing.length === 0, missing, osId: os.ID, codename: os.VERSION_CODENAME };
}

/** The architecture of a Debian root, from its multiarch library folder. */
export function detectArch(root: string): Arch | undefined {
  return ARCHES.find((a) => isDir(join(root, "usr/lib", ARCH_INFO[a].triplet)));
}

/** systemd's major version in a root: libsystemd-shared-NNN.so, else dpkg's status file. */
export function systemdVersion(root: string): number | undefined {
  const dirs = ["usr/lib/systemd", ...ARCHES.map((a) => `usr/lib/${ARCH_INFO[a].triplet}/systemd`)];
  for (const dir of dirs) {
    if (!isDir(join(root, dir))) continue;
    for (const name of readdirSync(join(root, dir))) {
      const m = /^libsystemd-shared-(\d+)/.exec(name);
      if (m) return Number(m[1]);
    }
  }
  const status = join(root, "var/lib/dpkg/status");
  if (existsSync(status)) {
    const m = /^Package: systemd\n(?:[^\n]+\n)*?Version: (\d+)/m.exec(readFileSync(status, "utf8"));
    if (m) return Number(m[1]);
  }
  return undefined;
}

export interface Ids {
  uid: number;
  gid: number;
}

/** The uid and primary gid of `user` in the root's /etc/passwd. */
export function lookupUser(root: string, user: string): Ids | undefined {
  const path = join(root, "etc/passwd");
  if (!existsSync(path)) return undefined;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (name === user && uid !== undefined && gid !== undefined)
      return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** The members of `group` in the root's /etc/group. */
export function groupMembers(root: string, group: string): string[] | undefined {
  const path = join(root, "etc/group");
  if (!existsSync(path)) return undefined;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const [name, , , members] = line.split(":");
    if (name === group) return (members ?? "").split(",").filter(Boolean);
  }
  return undefined;
}
