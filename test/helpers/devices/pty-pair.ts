/* A linked pseudo-terminal pair for serial tests with the real serialport bindings:
 * `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`, or a python3 relay where socat is missing.
 * `start()` resolves once the helper reports both ptys and its transfer loop (no sleeps); `kill()` is an
 * unplug; `start()` again replugs on the same link paths. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface PtyPair {
  readonly a: string;
  readonly b: string;
  readonly tool: "socat" | "python3";
  start(): Promise<void>;
  kill(): Promise<void>;
  dispose(): Promise<void>;
}

function hasSocat(): boolean {
  try {
    execFileSync("socat", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    // Not installed (or not runnable): the python3 relay takes over.
    return false;
  }
}

export function ptyPair(): PtyPair {
  const dir = mkdtempSync(join(tmpdir(), "xiot-pty-"));
  const a = join(dir, "a");
  const b = join(dir, "b");
  const tool = process.env.XIOT_PTY_TOOL === "python3" || !hasSocat() ? "python3" : "socat";
  let child: ChildProcess | undefined;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc =
        tool === "socat"
          ? spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`])
          : spawn("python3", [fileURLToPath(new URL("pty_pair.py", import.meta.url)), a, b]);
      child = proc;
      let stderr = "";
      proc.stderr?.setEncoding("utf8");
      proc.stderr?.on("data", (text: string) => {
        stderr += text;
        const ptys = stderr.match(/PTY is /g)?.length ?? 0;
        if (ptys >= 2 && stderr.includes("starting data transfer loop")) resolve();
      });
      proc.once("exit", (code) => reject(new Error(`${tool} exited (${code}) before ready: ${stderr}`)));
      proc.once("error", reject);
    });

  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    await exited;
  };

  return {
    a,
    b,
    tool,
    start,
    kill,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
