/* Runs the real `xiot` command as a child process, as a user would, and reads its output lines. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const XIOT = fileURLToPath(new URL("../../bin/xiot.js", import.meta.url));

export interface CliLine {
  text: string;
  at: number;
}

export interface CliProcess {
  child: ChildProcess;
  stdout: CliLine[];
  stderr: CliLine[];
  /** Resolves with the first line on the stream that matches, past or future (only lines at or
   * after `since`, a Date.now() value, when given). */
  waitForLine(
    stream: "stdout" | "stderr",
    match: (text: string) => boolean,
    timeoutMs?: number,
    since?: number,
  ): Promise<CliLine>;
  /** The first stdout line that parses as JSON with ready: true. */
  ready<T = Record<string, unknown>>(timeoutMs?: number): Promise<T>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Commands run in a scratch folder, so default data folders (.xiot/…) never land in the repo. */
function scratchCwd(): string {
  const dir = join(tmpdir(), `xiot-cwd-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function runXiot(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [XIOT, ...args], {
    cwd: options.cwd ?? scratchCwd(),
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines = { stdout: [] as CliLine[], stderr: [] as CliLine[] };
  const waiters: {
    stream: "stdout" | "stderr";
    match: (t: string) => boolean;
    resolve: (l: CliLine) => void;
  }[] = [];
  for (const stream of ["stdout", "stderr"] as const) {
    createInterface({ input: child[stream]! }).on("line", (text) => {
      const line = { text, at: Date.now() };
      lines[stream].push(line);
      if (process.env.ECHO_XIOT_OUTPUT) process.stderr.write(`[${args[0]} ${stream}] ${text}\n`);
      for (const waiter of [...waiters]) {
        if (waiter.stream === stream && waiter.match(text)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
  }
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const describe = () =>
    `xiot ${args.join(" ")}\n--- stdout\n${lines.stdout.map((l) => l.text).join("\n")}\n--- stderr\n${lines.stderr
      .map((l) => l.text)
      .join("\n")}`;
  const waitForLine: CliProcess["waitForLine"] = (stream, match, timeoutMs = 30_000, since = 0) => {
    const seen = lines[stream].find((l) => l.at >= since && match(l.text));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for a line on ${stream}\n${describe()}`)),
        timeoutMs,
      );
      const waiter = {
        stream,
        match,
        resolve: (line: CliLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      waiters.push(waiter);
      void exited.then(({ code, signal }) => {
        if (!waiters.includes(waiter)) return;
        clearTimeout(timer);
        reject(new Error(`exited (${code ?? signal}) before the expected line\n${describe()}`));
      });
    });
  };
  return {
    child,
    ...lines,
    waitForLine,
    async ready<T>(timeoutMs = 30_000) {
      const line = await waitForLine("stdout", (text) => text.startsWith('{"ready":true'), timeoutMs);
      return JSON.parse(line.text) as T;
    },
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Parses pino JSON log lines (run commands with --log.format json). */
export function jsonLogLines(lines: CliLine[]): (Record<string, unknown> & { at: number })[] {
  return lines.flatMap((line) => {
    try {
      return [{ ...(JSON.parse(line.text) as Record<string, unknown>), at: line.at }];
    } catch {
      return [];
    }
  });
}
