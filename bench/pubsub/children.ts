/* Child processes the benchmark starts (the hub, the do-nothing component): spawned with the
 * running Node, ready when a `{"ready":true…}` line appears on stdout, stopped with SIGTERM and
 * then SIGKILL. Their stdin is a pipe: a child may treat its end as "the benchmark is gone". */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** The last lines of stderr, for failure reports. */
  tail(): string;
  stop(timeoutMs?: number): Promise<void>;
  /** Synchronous last resort (process "exit" handler). */
  kill(): void;
}

export async function spawnReady(
  name: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    stderr.push(line);
    if (stderr.length > 40) stderr.shift();
  });
  const exited = once(child, "exit");
  const handle: Child = {
    name,
    pid: child.pid ?? -1,
    tail: () => stderr.join("\n"),
    stop: (timeoutMs) => stopChild(child, exited, timeoutMs),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
  try {
    await waitReady(child, exited, options.timeoutMs ?? 30_000);
  } catch (error) {
    await handle.stop();
    throw new Error(`${name}: ${(error as Error).message}\n--- stderr\n${handle.tail()}`);
  }
  return handle;
}

function waitReady(child: ChildProcess, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (!line.startsWith('{"ready":true')) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before its ready line`));
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>, timeoutMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
}
