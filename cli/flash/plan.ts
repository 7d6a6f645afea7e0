/* What `xiot flash` writes, as a list of operations computed before anything is touched, so that
 * `--dry-run` prints exactly what a real run does. Paths are board paths (absolute); the writer
 * prefixes the target root. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ReleaseManifest } from "./build";
import type { DeviceConfig } from "./device-config";
import { BOARD } from "./layout";
import { agentUnit, firstbootUnit, sysusersConf, tmpfilesConf } from "./templates";

/** Who owns a path: root, the agent's service user, or root with the service user's group
 * (uid/gid of the service user are known only once it exists in the root's passwd). */
export type Owner = "root" | "service" | "root:service";

export type Operation =
  | { kind: "dir"; path: string; mode: number; owner: Owner }
  | { kind: "file"; path: string; mode: number; owner: Owner; data: Buffer | { copy: string } }
  | { kind: "symlink"; path: string; target: string }
  | { kind: "remove"; path: string; why: string };

export interface FlashPlan {
  version: string;
  /** Operations on the root file system, in order. */
  root: Operation[];
  /** Operations on the boot partition (paths relative to it). */
  boot: Operation[];
}

function releaseOps(release: string, version: string): Operation[] {
  const base = `${BOARD.releases}/${version}`;
  const ops: Operation[] = [
    { kind: "dir", path: BOARD.opt, mode: 0o755, owner: "root" },
    { kind: "dir", path: BOARD.releases, mode: 0o755, owner: "root" },
    { kind: "dir", path: base, mode: 0o755, owner: "root" },
  ];
  const entries = readdirSync(release, { withFileTypes: true, recursive: true }).sort((a, b) =>
    join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)),
  );
  for (const entry of entries) {
    const full = join(entry.parentPath, entry.name);
    const rel = full.slice(release.length + 1);
    const mode = statSync(full).mode & 0o777;
    if (entry.isDirectory()) ops.push({ kind: "dir", path: `${base}/${rel}`, mode: 0o755, owner: "root" });
    else if (entry.isFile())
      ops.push({
        kind: "file",
        path: `${base}/${rel}`,
        mode: mode & 0o111 ? 0o755 : 0o644,
        owner: "root",
        data: { copy: full },
      });
  }
  ops.push({ kind: "symlink", path: BOARD.current, target: `releases/${version}` });
  return ops;
}

export interface PlanInput {
  release: string;
  manifest: ReleaseManifest;
  config: DeviceConfig;
  systemd: number | undefined;
  /** Existing paths on the boot partition that would override the new config at first boot. */
  staleBootFiles: string[];
}

export function planFlash(i: PlanInput): FlashPlan {
  const { version, arch } = i.manifest;
  const text = (s: string) => Buffer.from(s);
  const unit = (name: string) => `${BOARD.units}/${name}`;
  const root: Operation[] = [
    ...releaseOps(i.release, version),
    { kind: "dir", path: "/usr/lib/sysusers.d", mode: 0o755, owner: "root" },
    { kind: "file", path: BOARD.sysusers, mode: 0o644, owner: "root", data: text(sysusersConf(version)) },
    { kind: "dir", path: "/usr/lib/tmpfiles.d", mode: 0o755, owner: "root" },
    { kind: "file", path: BOARD.tmpfiles, mode: 0o644, owner: "root", data: text(tmpfilesConf(version)) },
    { kind: "dir", path: BOARD.etc, mode: 0o750, owner: "root:service" },
    ...(i.config.ca
      ? [{ kind: "file", path: BOARD.ca, mode: 0o644, owner: "root", data: i.config.ca } as const]
      : []),
    { kind: "file", path: BOARD.config, mode: 0o600, owner: "service", data: text(i.config.json) },
    { kind: "dir", path: BOARD.units, mode: 0o755, owner: "root" },
    {
      kind: "file",
      path: unit(BOARD.agentUnit),
      mode: 0o644,
      owner: "root",
      data: text(agentUnit({ version, arch, systemd: i.systemd })),
    },
    {
      kind: "file",
      path: unit(BOARD.firstbootUnit),
      mode: 0o644,
      owner: "root",
      data: text(firstbootUnit(version)),
    },
    { kind: "dir", path: BOARD.wants, mode: 0o755, owner: "root" },
    { kind: "symlink", path: `${BOARD.wants}/${BOARD.agentUnit}`, target: unit(BOARD.agentUnit) },
    { kind: "symlink", path: `${BOARD.wants}/${BOARD.firstbootUnit}`, target: unit(BOARD.firstbootUnit) },
  ];
  const boot: Operation[] = i.staleBootFiles.map((path) => ({
    kind: "remove",
    path,
    why: "an older configuration there would replace the new one at first boot",
  }));
  return { version, root, boot };
}

/** For --boot-only: the config (and CA) on the boot partition, for xiot-firstboot.service. */
export function planBootOnly(config: DeviceConfig): Operation[] {
  return [
    {
      kind: "file",
      path: `/${BOARD.bootConfig}`,
      mode: 0o600,
      owner: "root",
      data: Buffer.from(config.json),
    },
    ...(config.ca
      ? [{ kind: "file", path: `/${BOARD.bootCa}`, mode: 0o644, owner: "root", data: config.ca } as const]
      : []),
  ];
}

/** One line per operation, for --dry-run and the command's output. */
export function describeOperation(op: Operation, user: string): string {
  const owner = (o: Owner) =>
    o === "root" ? "root:root" : o === "service" ? `${user}:${user}` : `root:${user}`;
  switch (op.kind) {
    case "dir":
      return `dir     ${op.mode.toString(8).padStart(4, "0")} ${owner(op.owner)} ${op.path}/`;
    case "file": {
      const bytes = Buffer.isBuffer(op.data) ? op.data.length : statSync(op.data.copy).size;
      return `file    ${op.mode.toString(8).padStart(4, "0")} ${owner(op.owner)} ${op.path} (${bytes} bytes)`;
    }
    case "symlink":
      return `symlink ${op.path} -> ${op.target}`;
    case "remove":
      return `remove  ${op.path} (${op.why})`;
  }
}

export const fileData = (op: Extract<Operation, { kind: "file" }>): Buffer =>
  Buffer.isBuffer(op.data) ? op.data : readFileSync(op.data.copy);
