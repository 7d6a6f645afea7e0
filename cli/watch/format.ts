/* What `xiot watch` reads from its arguments and how it prints readings: pure functions.
 * References: docs/design.md §2 (device ids, channel names, readings document, units in meta). */
import { UsageError } from "../command";

export interface WatchTarget {
  device: string;
  channel?: string;
}

const TARGET_RE = /^([a-z0-9][a-z0-9-]{0,62})(?:\/([a-z][a-z0-9_]{0,31}))?$/;

/** `<device>` or `<device>/<channel>`. */
export function parseTarget(text: string | undefined): WatchTarget {
  const match = text === undefined ? null : TARGET_RE.exec(text);
  if (!match) {
    throw new UsageError(
      `expected <device> or <device>/<channel>, such as sim-1 or sim-1/temperature (got ${JSON.stringify(text ?? "")})`,
    );
  }
  return { device: match[1]!, ...(match[2] && { channel: match[2] }) };
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now (`90s`, `10m`, `2h`, `1d`) or a date-time; ms since epoch. */
export function parseSince(text: string, now: number): number {
  const duration = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (duration) return now - Number(duration[1]) * UNITS[duration[2]!]!;
  const at = Date.parse(text);
  if (Number.isFinite(at)) return at;
  throw new UsageError(
    `--since: expected a duration such as 10m or 2h, or a date-time (got ${JSON.stringify(text)})`,
  );
}

export interface WatchLine {
  device: string;
  channel: string;
  /** ms since epoch */
  t: number;
  v: number | boolean | string;
  unit?: string;
  q?: string;
  /** The readings item the reading came in. */
  item: string;
}

export function formatJson(line: WatchLine): string {
  return JSON.stringify({ ...line, time: new Date(line.t).toISOString() });
}

export function formatText(line: WatchLine): string {
  const value = typeof line.v === "boolean" ? (line.v ? "on" : "off") : String(line.v);
  const unit = line.unit ? ` ${line.unit}` : "";
  const quality = line.q ? `  (${line.q})` : "";
  return `${new Date(line.t).toISOString()}  ${line.device}  ${line.channel.padEnd(12)}  ${value}${unit}${quality}`;
}
