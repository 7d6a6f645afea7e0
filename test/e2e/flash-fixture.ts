/* Shared by the flash e2e tests: a minimal Raspberry Pi OS-like root (os-release, rpi-issue,
 * /boot/firmware, systemd with the host's unit files so that systemd-analyze verify can resolve
 * targets, passwd/group with the gpio, dialout and i2c groups), a boot partition, an x64 release,
 * and processes read line by line. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { buildRelease, type ReleaseManifest } from "../../cli/flash/build";
import { DEFAULT_CACHE, ROOT } from "../../cli/flash/layout";

export function makePiRoot(dir: string, systemd = 252): string {
  const w = (path: string, text: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  w("etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n');
  w("etc/rpi-issue", "Raspberry Pi reference 2024-11-19\n");
  w("etc/passwd", "root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000::/home/pi:/bin/bash\n");
  w("etc/group", "root:x:0:\ndialout:x:20:pi\ngpio:x:993:pi\ni2c:x:994:pi\npi:x:1000:\n");
  w("etc/shadow", "root:*:19000:0:99999:7:::\npi:!:19000:0:99999:7:::\n");
  w(`usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-${systemd}.so`, "");
  mkdirSync(join(dir, "boot/firmware"), { recursive: true });
  mkdirSync(join(dir, "usr/lib/systemd"), { recursive: true });
  if (existsSync("/usr/lib/systemd/system"))
    cpSync("/usr/lib/systemd/system", join(dir, "usr/lib/systemd/system"), {
      recursive: true,
      verbatimSymlinks: true,
    });
  return dir;
}

export function makeBoot(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.txt"), "dtparam=i2c_arm=on\n");
  writeFileSync(join(dir, "cmdline.txt"), "console=serial0,115200 root=PARTUUID=1234-02 rootwait\n");
  return dir;
}

let built: Promise<{ dir: string; manifest: ReleaseManifest }> | undefined;
const scratch: string[] = [];

/** A temporary folder removed by cleanup(). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** Removes the release and the folders made here (a release is about 100 MB). */
export function cleanup(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  built = undefined;
}

/** One x64 release per test file, with the runtime from the registry (cached across runs). */
export function x64Release(): Promise<{ dir: string; manifest: ReleaseManifest }> {
  built ??= (async () => {
    const dir = join(scratchDir("xiot-release-"), "x64");
    const manifest = await buildRelease({
      arch: "x64",
      dir,
      node: "bundled",
      cache: resolve(ROOT, DEFAULT_CACHE),
    });
    return { dir, manifest };
  })();
  return built;
}

export interface Lines {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  waitFor(stream: "stdout" | "stderr", match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnLines(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Lines {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: [] as string[], stderr: [] as string[] };
  const waiters: {
    stream: "stdout" | "stderr";
    match: (l: string) => boolean;
    resolve: (l: string) => void;
  }[] = [];
  for (const stream of ["stdout", "stderr"] as const)
    createInterface({ input: child[stream] }).on("line", (line) => {
      out[stream].push(line);
      for (const w of [...waiters])
        if (w.stream === stream && w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
    });
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    child,
    ...out,
    waitFor(stream, match, timeoutMs = 30_000) {
      const seen = out[stream].find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no matching ${stream} line from ${command}:\n${out.stderr.slice(-20).join("\n")}`),
            ),
          timeoutMs,
        );
        waiters.push({
          stream,
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolveLine(l);
          },
        });
      });
    },
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
