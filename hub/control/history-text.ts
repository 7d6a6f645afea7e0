/* A device's history as a person reads it: one line per command, actuation or change of
 * ownership, newest first, in the words of the chat commands (`relay on`, `set target 21`), with
 * dates, a page at a time.
 * References: docs/design.md §2 (`devices/<id>/state`: what the device reports), docs/design.md §3
 * (chat commands and their words; short replies). */
import { formatValue } from "../../shared/format";
import type { ControlLogEntry } from "./types";

export const HISTORY_PAGE = 10;
/** How far the device's clock may stand from the hub's (it learns the offset, docs/design.md §2)
 * when a reported actuation is matched with the hub's own command. */
const CLOCK_SKEW_MS = 1_000;

export interface HistoryLine {
  /** ms since the epoch. */
  time: number;
  /** In the chat command's words: `relay on`, `set target 21`, `claim`. */
  what: string;
  /** Who asked and how: `by alice@localhost (chat)`. */
  who: string;
  /** The outcome when it is not plainly done: `refused: …`, `timed out`. */
  outcome?: string;
}

const NUMBER_RE = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** `relay=true` → `relay on`; `target=21` → `set target 21`; anything else as it is. */
export function commandWords(command: string): string {
  const at = command.indexOf("=");
  if (at <= 0) return command;
  const channel = command.slice(0, at);
  const raw = command.slice(at + 1);
  if (raw === "true" || raw === "false") return `${channel} ${formatValue(raw === "true")}`;
  return `set ${channel} ${NUMBER_RE.test(raw) ? formatValue(Number(raw)) : raw}`;
}

/** `chat, ttl 8000 ms` → `chat`. */
const viaOf = (detail: string): string => detail.split(",")[0]?.trim() ?? "";

function outcomeOf(e: ControlLogEntry | undefined): string | undefined {
  if (!e) return "no answer recorded";
  switch (e.outcome) {
    case "done":
    case "issued":
    case "reported":
      return undefined;
    case "timeout":
      return "timed out, state unknown";
    default:
      return e.detail ? `${e.outcome}: ${e.detail}` : e.outcome;
  }
}

function byWhom(actor: string, via: string, fallback: string): string {
  if (!actor) return fallback;
  return via ? `by ${actor} (${via})` : `by ${actor}`;
}

/**
 * The reported actuations that are the hub's own done commands, seen again in the device's state:
 * each done command explains at most one report of the same change, the one nearest its answer
 * between its issue and its answer (give or take the clock skew). Others were sent to the device
 * directly, or were its safe state.
 */
function explainedReports(
  entries: readonly ControlLogEntry[],
  outcomes: ReadonlyMap<string, ControlLogEntry>,
): Set<ControlLogEntry> {
  const reports = entries.filter((e) => e.outcome === "reported");
  const explained = new Set<ControlLogEntry>();
  for (const e of entries) {
    const done = e.id !== null && e.outcome === "issued" ? outcomes.get(e.id) : undefined;
    if (done?.outcome !== "done") continue;
    const from = e.time - CLOCK_SKEW_MS;
    const to = done.time + CLOCK_SKEW_MS;
    const match = reports
      .filter((r) => !explained.has(r) && r.command === e.command && r.time >= from && r.time <= to)
      .sort((a, b) => Math.abs(a.time - done.time) - Math.abs(b.time - done.time))[0];
    if (match) explained.add(match);
  }
  return explained;
}

/**
 * The lines, newest first, from log entries in any order: a command's `issued` and outcome lines
 * become one; a reported actuation that the hub's own done command explains is left out.
 */
export function historyView(entries: readonly ControlLogEntry[]): HistoryLine[] {
  const outcomes = new Map<string, ControlLogEntry>();
  const issued = new Set<string>();
  for (const e of entries) {
    if (e.id === null) continue;
    if (e.outcome === "issued") issued.add(e.id);
    else outcomes.set(e.id, e); // entries come oldest first: the last outcome stands
  }
  const explained = explainedReports(entries, outcomes);
  const lines: HistoryLine[] = [];
  for (const e of entries) {
    if (e.id !== null && e.outcome !== "issued" && issued.has(e.id)) continue; // on its issued line
    if (e.outcome === "reported") {
      if (explained.has(e)) continue;
      lines.push({
        time: e.time,
        what: commandWords(e.command),
        who: byWhom(e.actor, e.detail, "at the device"),
      });
      continue;
    }
    const outcome = e.outcome === "issued" && e.id !== null ? outcomes.get(e.id) : e;
    const via = e.outcome === "issued" ? viaOf(e.detail) : "";
    // A change of ownership (claim, share, …) says what it did in its detail.
    const what =
      e.id === null && e.outcome === "done" && !e.command.includes("=") && e.detail
        ? `${e.command} (${e.detail})`
        : commandWords(e.command);
    const line: HistoryLine = { time: e.time, what, who: byWhom(e.actor, via, "") };
    const said = outcomeOf(outcome);
    lines.push(said === undefined ? line : { ...line, outcome: said });
  }
  // Newest first; lines of the same millisecond in the reverse of the log's order.
  return lines
    .map((line, i) => ({ line, i }))
    .sort((a, b) => b.line.time - a.line.time || b.i - a.i)
    .map(({ line }) => line);
}

/** `2026-12-02 16:41:07` (UTC). */
export const dateTime = (t: number): string => {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
};

/** One page (1 = the newest) of a device's history, with how to ask for the next. */
export function historyPage(device: string, lines: readonly HistoryLine[], page = 1): string {
  if (lines.length === 0) return `No history for ${device}.`;
  const from = (page - 1) * HISTORY_PAGE;
  const shown = lines.slice(from, from + HISTORY_PAGE);
  if (shown.length === 0) {
    const n = lines.length;
    return `No page ${page}: ${device}'s history has ${n} ${n === 1 ? "line" : "lines"}.`;
  }
  const text = shown.map((l) =>
    [dateTime(l.time), l.what, l.who, l.outcome && `— ${l.outcome}`].filter(Boolean).join("  "),
  );
  const rest = lines.length - from - shown.length;
  const more = rest > 0 ? [`… ${rest} more: history ${device} ${page + 1}`] : [];
  const title =
    page === 1 ? `History of ${device}, newest first (UTC):` : `History of ${device}, page ${page}:`;
  return [title, ...text, ...more].join("\n");
}
