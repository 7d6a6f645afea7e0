/* Peer servers as user processes of the benchmark: Debian's packages installed when missing
 * (root on Debian only), any system service the install started stopped again, free loopback
 * ports, start/stop by pid, folder sizes. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const PACKAGES: Record<string, string> = { "victoria-metrics": "victoria-metrics", influxd: "influxdb" };
const SERVICES = ["victoria-metrics", "influxdb"];

const which = (bin: string): boolean => {
  try {
    execFileSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" });
    return true;
  } catch {
    return false; // not on PATH: installed below
  }
};

const pidsOf = (bin: string): number[] => {
  try {
    return execFileSync("pgrep", ["-x", bin], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
};

/** Installs the peers from Debian's archive when missing; stops services the install started. */
export function ensurePeers(bins: readonly string[]): void {
  const missing = bins.filter((b) => !which(b));
  if (missing.length === 0) return;
  const isDebian = existsSync("/etc/debian_version");
  if (process.getuid?.() !== 0 || !isDebian)
    throw new Error(
      `missing ${missing.join(", ")}: apt-get install -y ${missing.map((b) => PACKAGES[b]).join(" ")}`,
    );
  const before = new Map(bins.map((b) => [b, new Set(pidsOf(b))]));
  const pkgs = missing.map((b) => PACKAGES[b] as string);
  console.log(`installing ${pkgs.join(", ")} from Debian's archive`);
  execFileSync("apt-get", ["install", "-y", ...pkgs], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  let systemd = false;
  try {
    systemd = readFileSync("/proc/1/comm", "utf8").trim() === "systemd";
  } catch {
    systemd = false; // no /proc/1: certainly not systemd
  }
  if (systemd)
    for (const s of SERVICES) execFileSync("systemctl", ["disable", "--now", s], { stdio: "ignore" });
  for (const b of bins)
    for (const pid of pidsOf(b)) if (!before.get(b)?.has(pid)) process.kill(pid, "SIGTERM"); // started by our install
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

export interface Proc {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a server with its output in `log`; `stop` sends SIGTERM, then SIGKILL after 30 s. */
export function startProc(bin: string, args: string[], log: string): Proc {
  const fd = openSync(log, "a");
  const child = spawn(bin, args, { stdio: ["ignore", fd, fd] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function waitFor(what: string, ok: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up in ${ms / 1000} s`);
}

/** Bytes on disk of every file under a folder: allocated blocks, so preallocated sparse files
 * count for what they use. */
export function folderBytes(dir: string, skip: (name: string) => boolean = () => false): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (skip(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p, skip);
    else if (e.isFile()) total += statSync(p).blocks * 512;
  }
  return total;
}

/** Resolves once `probe` returns the same text `times` polls in a row, `everyMs` apart. */
export async function settle(
  probe: () => string,
  times: number,
  everyMs: number,
  maxMs: number,
): Promise<boolean> {
  const until = Date.now() + maxMs;
  let last = "";
  let same = 0;
  while (Date.now() < until) {
    const now = probe();
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= times) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}
