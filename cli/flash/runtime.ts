/* The Node runtime a release carries: the registry's node-linux-<arch> package, fetched once on
 * the build machine with `npm pack` into a cache folder, and its bin/node extracted. The board
 * never reaches a registry. docs/design.md §4 (the registry's node-linux-* packages). */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { ARCH_INFO, type Arch } from "./layout";

const run = promisify(execFile);

export interface Runtime {
  pkg: string;
  version: string;
  /** The extracted node binary on the build machine. */
  node: string;
  tarball: string;
}

export class RuntimeError extends Error {}

/** Fetches (or finds in `cache`) the runtime for `arch`; returns where its node binary is. */
export async function fetchRuntime(arch: Arch, cache: string): Promise<Runtime> {
  const { pkg, version } = ARCH_INFO[arch].runtime;
  mkdirSync(cache, { recursive: true });
  const tarball = join(cache, `${pkg}-${version}.tgz`);
  if (!existsSync(tarball)) await npmPack(`${pkg}@${version}`, cache, tarball);
  const dir = join(cache, `${pkg}-${version}`);
  const node = join(dir, "package/bin/node");
  if (!existsSync(node)) {
    const temp = `${dir}.partial-${process.pid}`;
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    try {
      await run("tar", ["-xzf", tarball, "-C", temp, "package/bin/node", "package/LICENSE"]);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw new RuntimeError(`cannot extract bin/node from ${tarball}: ${(error as Error).message}`);
    }
    // Another build may have finished the same extraction meanwhile: keep whichever came first.
    if (existsSync(node)) rmSync(temp, { recursive: true, force: true });
    else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(temp, dir);
    }
  }
  return { pkg, version, node, tarball };
}

/** Downloads into a folder of its own, then renames: two builds at once never see half a file. */
async function npmPack(spec: string, cache: string, tarball: string): Promise<void> {
  const temp = mkdtempSync(join(cache, ".pack-"));
  try {
    await run("npm", ["pack", spec, "--pack-destination", temp, "--silent"], {
      maxBuffer: 16 * 1024 * 1024,
      timeout: 600_000,
    });
    renameSync(join(temp, basename(tarball)), tarball);
  } catch (error) {
    throw new RuntimeError(
      `cannot fetch the Node runtime ${spec} from the registry (npm pack): ${(error as Error).message.split("\n")[0]}; ` +
        "build with --node system to use the board's own Node instead",
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
