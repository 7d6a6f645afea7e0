/* Runs Prosody as a child process and tells when its listeners are up. Readiness comes from
 * Prosody's own log ("Activated service …"), and a port another process took from under us
 * ("Failed to open server port …") is reported as a bind race so the caller can pick again. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../shared/log";

export class BindError extends Error {
  constructor(readonly port: number) {
    super(`Prosody could not listen on port ${port}: it is already in use`);
  }
}

export class ProsodyExitError extends Error {}

export interface RunningProsody {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartProsodyOptions {
  binary: string;
  dir: string;
  config: string;
  /** Service names that must be activated before the server counts as ready. */
  services: string[];
  log: Logger;
  timeoutMs?: number;
}

export async function startProsody(options: StartProsodyOptions): Promise<RunningProsody> {
  const { binary, dir, config, services, log, timeoutMs = 30_000 } = options;
  const logFile = join(dir, "prosody.log");
  writeFileSync(logFile, "");
  // Its own process group: Ctrl-C in a terminal reaches only xiot, which stops Prosody last,
  // after the agent and the hub said goodbye (a Prosody stopped first would cut them off).
  const child = spawn(binary, ["--config", config, "-F"], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: dir,
    detached: true,
  });
  writeFileSync(join(dir, "prosody.pid"), `${child.pid}\n`);
  child.stdout?.on("data", (chunk) => log.debug({ prosody: String(chunk).trim() }, "prosody stdout"));
  child.stderr?.on("data", (chunk) => log.debug({ prosody: String(chunk).trim() }, "prosody stderr"));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const running: RunningProsody = { child, exited, stop: (ms) => stopChild(child, exited, ms) };
  try {
    await waitForServices(logFile, services, exited, timeoutMs);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

async function waitForServices(
  logFile: string,
  services: string[],
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  let done = false;
  const exit = exited.then(() => {
    if (!done) throw new ProsodyExitError(`prosody exited while starting:\n${tail(logFile)}`);
  });
  const deadline = Date.now() + timeoutMs;
  const watch = (async () => {
    for (;;) {
      const text = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
      const failed = /Failed to open server port (\d+)/.exec(text);
      if (failed) throw new BindError(Number(failed[1]));
      if (services.every((name) => text.includes(`Activated service '${name}'`))) return;
      if (Date.now() > deadline)
        throw new Error(`prosody did not start within ${timeoutMs} ms:\n${tail(logFile)}`);
      // Polling the log file: Prosody offers no readiness notification of its own.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  try {
    await Promise.race([watch, exit]);
  } finally {
    done = true;
  }
}

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** A Prosody left behind by an earlier run in this folder (e.g. after `xiot server` was killed).
 * Called only with the folder's lock held (cli/up/folder-lock.ts), so no live xiot runs it. Resolves
 * once it is gone, so that its ports are free again for this run to keep (server/ports.ts). */
export async function stopStale(dir: string, log: Logger, timeoutMs = 5000): Promise<void> {
  const pidFile = join(dir, "prosody.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = readCmdline(pid);
  if (cmdline === null || !cmdline.includes("prosody") || !cmdline.includes(join(dir, "prosody.cfg.lua")))
    return;
  log.warn({ pid }, "stopping a Prosody left running by an earlier xiot server in this folder");
  process.kill(pid, "SIGKILL");
  const deadline = Date.now() + timeoutMs;
  // Polling: the exit of a process that is not our child sends us no event.
  while (!exitedPid(pid)) {
    if (Date.now() > deadline) throw new Error(`Prosody pid ${pid} of ${dir} did not exit after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Gone, or a zombie waiting for a parent to reap it (its sockets are closed already). */
function exitedPid(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    // No such process any more.
    return true;
  }
}

function readCmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    // No such process (or no /proc): nothing is left running.
    return null;
  }
}

/** "exited with code 1", "was killed by SIGKILL": how a child ended, for a person. */
export function exitText(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? "unknown"}`;
}
