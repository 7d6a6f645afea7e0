/* Runs a script with plain node and the same line handling as the CLI test helper. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export interface NodeProcess {
  child: ReturnType<typeof spawn>;
  ready(timeoutMs?: number): Promise<unknown>;
  stop(signal?: NodeJS.Signals): Promise<unknown>;
}

export function runNode(args: string[]): NodeProcess {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on("line", (l) => stderr.push(l));
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, "exit");
  return {
    child,
    ready: (timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`agent not ready:\n${stderr.join("\n")}`)),
          timeoutMs,
        );
        lines.on("line", (l) => {
          if (!l.startsWith('{"ready":true')) return;
          clearTimeout(timer);
          resolve(JSON.parse(l));
        });
        void exited.then(() => reject(new Error(`agent exited:\n${stderr.join("\n")}`)));
      }),
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
