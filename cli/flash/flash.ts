/* `xiot flash`: the release, the device's configuration, the units and the service user onto a
 * mounted Raspberry Pi OS card (or any root folder that looks like one), or with --boot-only the
 * configuration alone onto the boot partition for xiot-firstboot.service. Nothing is written
 * before every check has passed. */
import { chownSync, existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildRelease, RELEASE_MANIFEST, type ReleaseManifest, readReleaseManifest } from "./build";
import { bundleWarning } from "./bundle-check";
import { type DeviceConfig, loadDeviceConfig } from "./device-config";
import { type Arch, BOARD, DEFAULT_CACHE, DEFAULT_OUT, ROOT, SERVICE_USER } from "./layout";
import { describeOperation, type FlashPlan, type Operation, planBootOnly, planFlash } from "./plan";
import { checkRootfs, detectArch, lookupUser, systemdVersion } from "./rootfs";
import type { NodeMode } from "./templates";
import { applyOperations, applyOwnership, ensureServiceUser, type UserSetup, type Written } from "./write";

export class FlashError extends Error {}

export interface FlashOptions {
  /** A device id (./<id>.xiot/) or a folder with agent.json. */
  device: string;
  to?: string;
  boot?: string;
  bootOnly?: boolean;
  dryRun?: boolean;
  /** A release folder built by build-agent; default <out>/<arch>, built when missing. */
  release?: string;
  arch?: Arch;
  out?: string;
  cache?: string;
  node?: NodeMode;
  cwd?: string;
  /** Write a configuration with a loopback server or simulated channels anyway. */
  force?: boolean;
}

export interface FlashManifest {
  version: string;
  arch: Arch;
  device: string;
  flashedAt: string;
  systemd: number | null;
  user: { name: string; uid: number | null; gid: number | null; how: UserSetup["how"]; note?: string };
  /** Whether ownership was applied (only as root); the ids are recorded either way. */
  chowned: boolean;
  files: Written[];
}

export interface FlashResult {
  dryRun: boolean;
  lines: string[];
  manifest?: FlashManifest;
}

/** A boot partition: config.txt or cmdline.txt at its top. */
function checkBoot(boot: string): void {
  if (!["config.txt", "cmdline.txt"].some((f) => existsSync(join(boot, f))))
    throw new FlashError(
      `${boot} does not look like a Raspberry Pi boot partition: no config.txt or cmdline.txt; nothing was written`,
    );
}

export async function flash(o: FlashOptions): Promise<FlashResult> {
  const cwd = o.cwd ?? process.cwd();
  const config = loadDeviceConfig(o.device, cwd);
  const problems = config.problems ?? [];
  if (problems.length > 0 && !o.force)
    throw new FlashError(`${bundleWarning(config.source, problems)}; nothing was written`);
  if (o.bootOnly) return flashBootOnly(o, config, cwd);
  if (!o.to) throw new FlashError("give the card's root partition or a root folder: --to <path>");
  const to = resolve(cwd, o.to);
  const check = checkRootfs(to);
  if (!check.ok)
    throw new FlashError(
      `${to} does not look like a Raspberry Pi OS root file system: missing ${check.missing.join("; ")}; nothing was written`,
    );
  const arch = o.arch ?? detectArch(to);
  if (!arch)
    throw new FlashError(`cannot tell the architecture of ${to} (no usr/lib/<triplet>): give --arch`);
  const boot = o.boot ? resolve(cwd, o.boot) : undefined;
  if (boot) checkBoot(boot);
  const { dir: release, manifest: built } = await findRelease(o, arch, cwd);
  const systemd = systemdVersion(to);
  const stale = boot
    ? [BOARD.bootConfig, BOARD.bootCa].filter((f) => existsSync(join(boot, f))).map((f) => `/${f}`)
    : [];
  const plan = planFlash({ release, manifest: built, config, systemd, staleBootFiles: stale });
  const lines = listPlan(plan, to, boot);
  if (o.dryRun) {
    const ids = lookupUser(to, SERVICE_USER);
    lines.push(
      ids
        ? `user    ${SERVICE_USER} exists: uid ${ids.uid}, gid ${ids.gid}`
        : `user    ${SERVICE_USER} would be created with systemd-sysusers --root (or at first boot)`,
    );
    return { dryRun: true, lines };
  }
  const written = applyOperations(to, plan.root);
  const user = await ensureServiceUser(to);
  const chowned = applyOwnership(to, plan.root, written, user.ids);
  if (boot) applyOperations(boot, plan.boot, true);
  const manifest: FlashManifest = {
    version: built.version,
    arch,
    device: config.deviceId,
    flashedAt: new Date().toISOString(),
    systemd: systemd ?? null,
    user: {
      name: SERVICE_USER,
      uid: user.ids?.uid ?? null,
      gid: user.ids?.gid ?? null,
      how: user.how,
      ...(user.note ? { note: user.note } : {}),
    },
    chowned,
    files: written,
  };
  const manifestPath = join(to, BOARD.manifest);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
  if (chowned) chownSync(manifestPath, 0, 0);
  return { dryRun: false, lines, manifest };
}

async function findRelease(
  o: FlashOptions,
  arch: Arch,
  cwd: string,
): Promise<{ dir: string; manifest: ReleaseManifest }> {
  const dir = o.release ? resolve(cwd, o.release) : resolve(cwd, o.out ?? DEFAULT_OUT, arch);
  if (!existsSync(join(dir, RELEASE_MANIFEST))) {
    if (o.release)
      throw new FlashError(
        `${dir} is not a release (no ${RELEASE_MANIFEST}); build one with xiot build-agent`,
      );
    if (o.dryRun)
      throw new FlashError(
        `no release for ${arch} in ${dir}: run xiot build-agent --arch ${arch} (flash without --dry-run builds it)`,
      );
    await buildRelease({
      arch,
      dir,
      node: o.node ?? "bundled",
      cache: resolve(ROOT, o.cache ?? DEFAULT_CACHE),
    });
  }
  const manifest = readReleaseManifest(dir);
  if (manifest.arch !== arch)
    throw new FlashError(
      `${dir} is a release for ${manifest.arch}, the card is ${arch}; nothing was written`,
    );
  return { dir, manifest };
}

function listPlan(plan: FlashPlan, to: string, boot: string | undefined): string[] {
  const show = (ops: Operation[], prefix: string) =>
    ops.map((op) => describeOperation({ ...op, path: `${prefix}${op.path}` } as Operation, SERVICE_USER));
  return [...show(plan.root, to), ...(boot ? show(plan.boot, boot) : [])];
}

async function flashBootOnly(o: FlashOptions, config: DeviceConfig, cwd: string): Promise<FlashResult> {
  if (!o.boot) throw new FlashError("--boot-only needs the boot partition: --boot <path>");
  const boot = resolve(cwd, o.boot);
  checkBoot(boot);
  const ops = planBootOnly(config);
  const lines = ops.map((op) =>
    describeOperation({ ...op, path: `${boot}${op.path}` } as Operation, SERVICE_USER),
  );
  if (!o.dryRun) applyOperations(boot, ops, true);
  return { dryRun: o.dryRun === true, lines };
}
