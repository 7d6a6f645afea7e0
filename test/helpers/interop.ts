/* Runs an interoperability script (test/interop/*.py) with Debian's Python, which has
 * python3-slixmpp (a pyenv `python3` on PATH may not). The script prints one JSON line per step. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export const PYTHON = "/usr/bin/python3";

export interface Step {
  step: string;
  ok: boolean;
  error?: string;
  [detail: string]: unknown;
}

export async function runInteropScript(
  script: string,
  args: string[],
  timeoutMs = 60_000,
): Promise<{ steps: Step[]; code: number | null; stderr: string }> {
  const child = spawn(PYTHON, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const steps: Step[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on("line", (line) => steps.push(JSON.parse(line) as Step));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  return { steps, code, stderr };
}
