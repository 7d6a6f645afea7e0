/* References: docs/design.md §3 (chat commands are plain text for people), XEP-0082 §3.2 and §3.3
 * (dates and date-times), docs/history.md (the ranges `xiot export` takes, shared/time-range.ts).
 *
 * The time range of a history command, as people type it: a duration back from now (`24h`, `7d`,
 * `30d`, any duration shared/time-range.ts knows), or `from <when> [to <when>]`, each `<when>` a
 * duration back, a date or a date-time. The words are checked here and turned into times with
 * the clock where the command runs (`resolveRange`). Words that do not look like a range at all
 * do not fit (another shape, or "did you mean", may take them). */
import { MOMENT_HELP, parseDuration, parseMoment } from "../time-range";
import type { Reader } from "./grammar";
import { WORDS } from "./words";

export type RangeWords = { kind: "back"; duration: string } | { kind: "between"; from: string; to?: string };

const DURATION_LIKE = /^\d+[a-z]+$/;
const BETWEEN = `${WORDS.from} <when> ${WORDS.to} <when>`;

const moment = (w: string): boolean => parseMoment(w, 0) !== undefined;
const notAMoment = (w: string): string => `"${w.slice(0, 40)}" is not a time: give ${MOMENT_HELP}`;

/** `24h`, or `from <when>`, or `from <when> to <when>`; slot reader with `rest: true`. */
export const timeRange: Reader<RangeWords> = (words) => {
  const [first = "", second, third, fourth] = words.map((w) => w.toLowerCase());
  if (words.length === 1 && parseDuration(first) !== undefined)
    return { ok: true, value: { kind: "back", duration: first } };
  if (words.length === 1 && DURATION_LIKE.test(first))
    return { ok: false, problem: `"${first.slice(0, 40)}" is not a duration (such as 24h, 7d or 30d)` };
  if (first !== WORDS.from) return { ok: false };
  if (
    second === undefined ||
    (third !== undefined && (third !== WORDS.to || fourth === undefined)) ||
    words.length > 4
  )
    return { ok: false, problem: `give a duration such as 24h, or ${BETWEEN}` };
  const [from = "", to] = [words[1], words[3]];
  if (!moment(from)) return { ok: false, problem: notAMoment(from) };
  if (to !== undefined && !moment(to)) return { ok: false, problem: notAMoment(to) };
  return { ok: true, value: { kind: "between", from, ...(to === undefined ? {} : { to }) } };
};

export type Range = { ok: true; from: number; to: number; label?: string } | { ok: false; problem: string };

/** The times of a range at `now`: [from, to), `to` now unless given. */
export function resolveRange(r: RangeWords, now: number): Range {
  if (r.kind === "back") {
    const back = parseDuration(r.duration) ?? 0;
    return { ok: true, from: now - back, to: now, label: `last ${r.duration}` };
  }
  const from = parseMoment(r.from, now);
  const to = r.to === undefined ? now : parseMoment(r.to, now);
  if (from === undefined) return { ok: false, problem: notAMoment(r.from) };
  if (to === undefined) return { ok: false, problem: notAMoment(r.to ?? "") };
  if (from >= to) return { ok: false, problem: "the range ends before it starts" };
  return { ok: true, from, to };
}
