/* A private CA for client connections. @xmpp/client's STARTTLS cannot take a custom CA (docs/design.md §4),
 * and Node reads NODE_EXTRA_CA_CERTS only when it starts: so a process that must trust a private
 * CA runs itself again as a child with the variable set, passes signals on, and exits with the
 * child's code. The child sees the variable already pointing at the file and goes on normally. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../config/errors";

export const CA_ENV = "NODE_EXTRA_CA_CERTS";

/** Checks that `path` holds at least one PEM certificate; throws a ConfigError naming `key`. */
export function checkCaFile(path: string, key = "xmpp.ca"): string {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (error) {
    throw new ConfigError(key, `cannot read ${full} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----"))
    throw new ConfigError(key, `${full} holds no PEM certificate`);
  return full;
}

/** True when this process must run again to trust `ca` (it is set and not yet in the environment). */
export function needsReexec(ca: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return ca !== undefined && env[CA_ENV] !== resolve(ca);
}

export interface ReexecOptions {
  argv?: readonly string[];
  execArgv?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** Runs this program again with NODE_EXTRA_CA_CERTS=`ca`; resolves with the exit code to use. */
export function reexecWithCa(ca: string, options: ReexecOptions = {}): Promise<number> {
  const full = checkCaFile(ca);
  const argv = options.argv ?? process.argv;
  const child = spawn(process.execPath, [...(options.execArgv ?? process.execArgv), ...argv.slice(1)], {
    stdio: "inherit",
    env: { ...(options.env ?? process.env), [CA_ENV]: full },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const s of signals) process.on(s, forward);
  return new Promise((done, fail) => {
    child.once("error", fail);
    child.once("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      done(code ?? 128 + (signal === "SIGKILL" ? 9 : signal === "SIGINT" ? 2 : 15));
    });
  });
}
