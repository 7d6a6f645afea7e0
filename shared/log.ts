/* Logger factory: one root logger per process, a child per module.
 * Human logs go to stderr, one line per event, so that stdout stays free for machine-readable
 * ready lines. `format: "json"` gives pino's JSON lines for log shippers. */
import { type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogFormat = "pretty" | "json";

export interface LogOptions {
  level?: LogLevel;
  format?: LogFormat;
  name?: string;
}

export function createLogger({ level = "info", format = "pretty", name = "xiot" }: LogOptions = {}): Logger {
  const destination =
    format === "json"
      ? pino.destination({ fd: 2, sync: true })
      : pretty({
          destination: 2,
          sync: true,
          singleLine: true,
          colorize: process.stderr.isTTY === true,
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname",
        });
  return pino({ name, level, base: undefined }, destination);
}

/** A logger that drops everything: for unit tests of logic that takes a logger. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
