/* Builds one release folder for one architecture:
 *   bin/xiot-agent          launcher (bundled or system Node)
 *   lib/agent.mjs           the agent, one esbuild bundle
 *   node_modules/           serialport with the target's prebuilt binding (+ onoff where possible)
 *   node/bin/node           the runtime from node-linux-<arch> (--node bundled)
 *   libexec/xiot-firstboot  moves a config from the boot partition into /etc/xiot
 *   systemd/                the units and the sysusers.d file, as flash installs them
 *   README.md  release.json (what is in it, with a SHA-256 per file)
 * The folder is written beside its final place and renamed into it when complete. */
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { build } from "esbuild";
import { AGENT_VERSION } from "../../agent/version";
import { ARCH_INFO, type Arch, ROOT } from "./layout";
import { copyNatives, epollUsable } from "./natives";
import { fetchRuntime } from "./runtime";
import {
  agentUnit,
  firstbootScript,
  firstbootUnit,
  launcher,
  type NodeMode,
  render,
  sysusersConf,
} from "./templates";

export interface BuildOptions {
  arch: Arch;
  /** The release folder to write (replaced when it exists). */
  dir: string;
  node: NodeMode;
  cache: string;
  root?: string;
}

export interface ReleaseFile {
  path: string;
  mode: number;
  bytes: number;
  sha256: string;
}

export interface ReleaseManifest {
  name: "xiot-agent";
  version: string;
  arch: Arch;
  node: { mode: NodeMode; pkg?: string; version?: string };
  gpio: { sysfs: boolean; gpiod: true };
  bundleBytes: number;
  packages: string[];
  files: ReleaseFile[];
}

export const RELEASE_MANIFEST = "release.json";

async function bundle(root: string, outfile: string, withOnoff: boolean): Promise<void> {
  await build({
    entryPoints: [join(root, "cli/flash/agent-entry.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outfile,
    minify: true,
    legalComments: "linked",
    external: ["serialport", "@serialport/*", ...(withOnoff ? ["onoff"] : []), "better-sqlite3"],
    alias: withOnoff ? {} : { onoff: join(root, "cli/flash/onoff-absent.ts") },
    // CommonJS dependencies inside an ESM bundle still call require.
    banner: {
      js: "import { createRequire as __xiotRequire } from 'node:module'; const require = __xiotRequire(import.meta.url);",
    },
    logLevel: "error",
  });
}

function write(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

function listFiles(dir: string): ReleaseFile[] {
  const out: ReleaseFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const st = statSync(full);
    out.push({
      path: relative(dir, full),
      mode: st.mode & 0o777,
      bytes: st.size,
      sha256: createHash("sha256").update(readFileSync(full)).digest("hex"),
    });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export async function buildRelease(o: BuildOptions): Promise<ReleaseManifest> {
  const root = o.root ?? ROOT;
  const version = AGENT_VERSION;
  const runtime = o.node === "bundled" ? await fetchRuntime(o.arch, o.cache) : undefined;
  const nodeMajor = runtime ? Number(runtime.version.split(".")[0]) : "system";
  const withOnoff = epollUsable(root, o.arch, nodeMajor);
  const temp = `${o.dir}.partial-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    await bundle(root, join(temp, "lib/agent.mjs"), withOnoff);
    const natives = copyNatives(root, temp, o.arch, withOnoff);
    if (runtime) {
      mkdirSync(join(temp, "node/bin"), { recursive: true });
      copyFileSync(runtime.node, join(temp, "node/bin/node"));
      chmodSync(join(temp, "node/bin/node"), 0o755);
      copyFileSync(join(dirname(dirname(runtime.node)), "LICENSE"), join(temp, "node/LICENSE"));
    }
    write(join(temp, "bin/xiot-agent"), launcher(version, o.arch, o.node, runtime?.version), 0o755);
    write(join(temp, "libexec/xiot-firstboot"), firstbootScript(version), 0o755);
    write(
      join(temp, "systemd/xiot-agent.service"),
      agentUnit({ version, arch: o.arch, systemd: undefined }),
      0o644,
    );
    write(join(temp, "systemd/xiot-firstboot.service"), firstbootUnit(version), 0o644);
    write(join(temp, "systemd/xiot.sysusers.conf"), sysusersConf(version), 0o644);
    const nodeLine =
      runtime !== undefined
        ? `Node ${runtime.version} for linux-${ARCH_INFO[o.arch].nodeArch} (the registry's ${runtime.pkg}), in node/`
        : "no Node of its own: the board's Node 20.10 or later (Raspberry Pi OS trixie ships 20; bookworm's 18 is too old)";
    write(
      join(temp, "README.md"),
      render("README.md.in", {
        version,
        arch: o.arch,
        node: nodeLine,
        gpio: withOnoff
          ? "sysfs GPIO (onoff with its epoll binding) and the gpiod tools"
          : 'the gpiod tools only: onoff\'s epoll has no prebuilt binding for this architecture, so sysfs GPIO is not in this release; give GPIO channels `"driver": "gpiod"`',
      }),
      0o644,
    );
    const manifest: ReleaseManifest = {
      name: "xiot-agent",
      version,
      arch: o.arch,
      node: runtime ? { mode: "bundled", pkg: runtime.pkg, version: runtime.version } : { mode: "system" },
      gpio: { sysfs: withOnoff, gpiod: true },
      bundleBytes: statSync(join(temp, "lib/agent.mjs")).size,
      packages: natives.packages,
      files: listFiles(temp),
    };
    write(join(temp, RELEASE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
    rmSync(o.dir, { recursive: true, force: true });
    mkdirSync(dirname(o.dir), { recursive: true });
    renameSync(temp, o.dir);
    return manifest;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

export function readReleaseManifest(dir: string): ReleaseManifest {
  return JSON.parse(readFileSync(join(dir, RELEASE_MANIFEST), "utf8")) as ReleaseManifest;
}
