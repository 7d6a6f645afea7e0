/* The packages a release keeps outside its one-file bundle because they load native code:
 * serialport (its prebuilt binding for the target ships inside @serialport/bindings-cpp: keep that
 * one, drop the others and any binding built for this machine) and, only where a binding for the
 * target exists, onoff with epoll (epoll ships no prebuilds; its binding is compiled on install,
 * so only a release for this machine's own architecture and Node can carry it).
 * docs/design.md §4 (serialport prebuilds, onoff's epoll). */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ARCH_INFO, type Arch } from "./layout";

/** Packages needed only to compile a binding, never at run time. */
const BUILD_ONLY = new Set(["node-addon-api", "nan", "node-gyp"]);
/** Files a package does not need at run time, anywhere in it. */
const DROP_FILES = [
  /\.md$/i,
  /\.d\.ts$/,
  /\.map$/,
  /^\.(npmignore|travis\.yml|releaserc|eslintrc.*|prettierrc.*)$/,
];
/** Top-level folders it does not need; `src` only in packages with a binding.gyp (C++ sources). */
const DROP_TOP = ["test", "tests", "integration-test", "example", "examples", "docs", "build-test.js"];

export class NativeError extends Error {}

/** The folder of `name` as Node would resolve it from `from` (a package folder or the root). */
function resolvePackage(name: string, from: string, root: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

/** Every package folder `names` need at run time, each once, found from `root`. */
export function closure(names: readonly string[], projectRoot: string): string[] {
  const root = resolve(projectRoot);
  const found = new Set<string>();
  const visit = (name: string, from: string) => {
    if (BUILD_ONLY.has(name)) return;
    const dir = resolvePackage(name, from, root);
    if (!dir)
      throw new NativeError(
        `package ${name} (needed by ${relative(root, from) || "the agent"}) is not installed`,
      );
    if (found.has(dir)) return;
    found.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir);
  };
  for (const name of names) visit(name, root);
  return [...found].sort();
}

function copyPackage(dir: string, root: string, out: string): void {
  const target = join(out, relative(root, dir));
  const native = existsSync(join(dir, "binding.gyp"));
  const dropTop = native ? [...DROP_TOP, "src", "binding.gyp"] : DROP_TOP;
  cpSync(dir, target, {
    recursive: true,
    dereference: true,
    filter: (src) => {
      if (src === dir) return true;
      const rel = relative(dir, src);
      // Nested node_modules are copied as packages of their own, when the closure needs them.
      if (rel === "node_modules" || rel.startsWith(`node_modules/`)) return false;
      if (dropTop.includes(rel)) return false;
      const base = rel.split("/").pop() ?? rel;
      return !DROP_FILES.some((re) => re.test(base));
    },
  });
}

/** Keeps serialport's prebuilt binding for `arch` (glibc) alone; drops anything built here. */
function pruneSerialport(out: string, arch: Arch): void {
  const bindings = join(out, "node_modules/@serialport/bindings-cpp");
  const { dir, file } = ARCH_INFO[arch].prebuild;
  const keep = join(bindings, "prebuilds", dir, file);
  if (!existsSync(keep)) throw new NativeError(`serialport has no prebuilt binding ${dir}/${file}`);
  // node-gyp-build prefers build/Release: a binding compiled for this machine must not ship.
  rmSync(join(bindings, "build"), { recursive: true, force: true });
  for (const platform of readdirSync(join(bindings, "prebuilds"))) {
    const folder = join(bindings, "prebuilds", platform);
    if (platform !== dir) rmSync(folder, { recursive: true, force: true });
    else for (const f of readdirSync(folder)) if (f !== file) rmSync(join(folder, f), { force: true });
  }
}

/** epoll keeps build/Release/epoll.node alone (its object files are build leftovers). */
function pruneEpoll(out: string): void {
  const build = join(out, "node_modules/epoll/build");
  for (const entry of readdirSync(build))
    if (entry !== "Release") rmSync(join(build, entry), { recursive: true });
  const release = join(build, "Release");
  for (const entry of readdirSync(release))
    if (entry !== "epoll.node") rmSync(join(release, entry), { recursive: true, force: true });
}

/** Whether this machine has an epoll binding that a release for `arch` running `nodeMajor` can load. */
export function epollUsable(root: string, arch: Arch, nodeMajor: number | "system"): boolean {
  const binding = join(root, "node_modules/epoll/build/Release/epoll.node");
  const sameMachine = ARCH_INFO[arch].nodeArch === process.arch && process.platform === "linux";
  const sameAbi = nodeMajor === "system" || nodeMajor === Number(process.versions.node.split(".")[0]);
  return sameMachine && sameAbi && existsSync(binding);
}

export interface NativeCopy {
  packages: string[];
  /** Whether onoff (sysfs GPIO) is in the release. */
  onoff: boolean;
  bytes: number;
}

/** Copies the native packages for `arch` into `<out>/node_modules`. */
export function copyNatives(root: string, out: string, arch: Arch, withOnoff: boolean): NativeCopy {
  const names = ["serialport", ...(withOnoff ? ["onoff"] : [])];
  const dirs = closure(names, root);
  for (const dir of dirs) copyPackage(dir, root, out);
  pruneSerialport(out, arch);
  if (withOnoff) pruneEpoll(out);
  return {
    packages: dirs.map((d) => relative(join(root, "node_modules"), d)),
    onoff: withOnoff,
    bytes: folderBytes(join(out, "node_modules")),
  };
}

export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}
