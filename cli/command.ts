/* What a subcommand is, and the shared ways commands start, report and fail. */
import type { z } from "zod";
import { ConfigError, loadConfig } from "../shared/config/load";
import { createLogger, type LogFormat, type Logger, type LogLevel } from "../shared/log";
import { AuthError } from "../shared/xmpp/link";

export interface OptionHelp {
  flag: string;
  description: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionHelp[];
  run(argv: string[]): Promise<number>;
}

/** Exit codes: 0 done, 1 runtime failure, 2 bad usage or configuration, 77 (sysexits
 * EX_NOPERM) the server refused the login. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOPERM = 77;

export class UsageError extends Error {}

export interface Started<T> {
  config: Readonly<T>;
  log: Logger;
}

/** Loads and validates a command's configuration; warns once about keys nobody reads. */
export function startCommand<S extends z.ZodType>(
  name: string,
  schema: S,
  argv: string[],
  ignore: string[] = [],
  defaults: Record<string, unknown> = {},
): Started<z.infer<S>> {
  let loaded: ReturnType<typeof loadConfig<S>>;
  try {
    loaded = loadConfig({ schema, argv, ignore: ["help", ...ignore], defaults });
  } catch (error) {
    for (const warning of error instanceof ConfigError ? error.warnings : []) {
      process.stderr.write(`xiot ${name}: warning: ${warning}\n`);
    }
    throw error;
  }
  const { config, warnings } = loaded;
  const logConfig = (config as { log?: { level?: LogLevel; format?: LogFormat } }).log ?? {};
  const log = createLogger({ name, level: logConfig.level, format: logConfig.format });
  for (const warning of warnings) log.warn(warning);
  return { config, log };
}

/** A command run for its result (get, set, devices, watch): it prints that result, and logs only
 * warnings and errors unless --log.level (or XIOT_LOG__LEVEL, or the file) asks for more. */
export function startQuietCommand<S extends z.ZodType>(name: string, schema: S, argv: string[]) {
  return startCommand(name, schema, argv, [], { log: { level: "warn" } });
}

/** Prints a machine-readable line on stdout: the only thing commands write there. */
export function printReady(info: object): void {
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

/** Reports an error in one line on stderr and returns the exit code for it. */
export function reportFailure(command: string, error: unknown): number {
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`xiot ${command}: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof AuthError) {
    process.stderr.write(`xiot ${command}: ${error.message}\n`);
    return EXIT_NOPERM;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`xiot ${command}: ${message}\n`);
  return EXIT_FAILURE;
}

/** Resolves at the first SIGINT or SIGTERM. Call it once, when the command starts: from then on
 * the signals are handled, so one that arrives during start-up is not fatal. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

export function helpText(command: Command): string {
  const width = Math.max(...command.options.map((o) => o.flag.length), 10);
  const options = command.options.map((o) => `  ${o.flag.padEnd(width)}  ${o.description}`).join("\n");
  return `Usage: ${command.usage}\n\n${command.summary}\n\nOptions:\n${options}\n`;
}
