/* Times as people type them, for history ranges: a duration back from now (`90m`, `24h`, `7d`,
 * `30d`, `1y`), a date (`2026-12-01`, midnight UTC) or an XEP-0082 date-time. Used by `xiot
 * export` and the chat's history words. Pure (runs in the browser too).
 * References: XEP-0082 §3.2 (Date), §3.3 (DateTime). */
import { parseDateTime } from "./xmpp/history";

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

const DURATION_RE = /^(\d{1,6})(s|m|h|d|w|y)$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** ms of a duration such as `24h`; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return ms > 0 ? ms : undefined;
}

/** A moment: a duration back from `now`, a date or a date-time; undefined when it is none. */
export function parseMoment(text: string, now: number): number | undefined {
  const t = text.trim();
  const back = parseDuration(t);
  if (back !== undefined) return now - back;
  if (DATE_RE.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return parseDateTime(t);
}

export const MOMENT_HELP =
  "a duration back from now (90m, 24h, 7d, 30d, 1y), a date (2026-12-01) or a date-time (2026-12-01T08:00:00Z)";
