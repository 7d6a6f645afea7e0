/* What the charts draw: a time range (1 h … 1 y, or from/to picked by hand) and the hub's history
 * of it (urn:xiot:history:0, docs/history.md), paged with RSM until the last page or a cap.
 * A range too dense for the cap is asked again one tier coarser (raw → 1m → 1h), so a chart shows
 * the whole range rather than its oldest part. Pure: the request function comes in.
 * References: XEP-0059 §2.2 (paging forwards with <after/>), XEP-0082 §3.3 (date-times). */
import type { Element } from "@xmpp/xml";
import {
  type HistoryAnswer,
  type HistoryResolution,
  type HistorySeries,
  makeHistoryQuery,
  parseHistoryAnswer,
} from "../shared/xmpp/history";
import { NS_XIOT_HISTORY } from "../shared/xmpp/ns";

export type PresetKey = "1h" | "24h" | "7d" | "30d" | "1y";
export type RangeKey = PresetKey | "custom";
export type Tier = Exclude<HistoryResolution, "auto">;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The presets of the picker; live ones keep taking new readings after the first paint. */
export const PRESETS: Record<PresetKey, { ms: number; live: boolean }> = {
  "1h": { ms: HOUR, live: true },
  "24h": { ms: DAY, live: true },
  "7d": { ms: 7 * DAY, live: false },
  "30d": { ms: 30 * DAY, live: false },
  "1y": { ms: 365 * DAY, live: false },
};

export type RangeChoice = { key: PresetKey } | { key: "custom"; from: number; to: number };

export const DEFAULT_RANGE: RangeChoice = { key: "1h" };

/** The span a choice covers now: a preset ends now, a custom range where it was set. */
export function rangeBounds(choice: RangeChoice, now: number): { from: number; to: number } {
  if (choice.key === "custom") return { from: choice.from, to: choice.to };
  return { from: now - PRESETS[choice.key].ms, to: now };
}

export const isLive = (choice: RangeChoice): boolean => choice.key !== "custom" && PRESETS[choice.key].live;

/** A `datetime-local` input's value (local time, no zone) in ms; undefined when empty or invalid. */
export function parseLocalInput(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text)) return undefined;
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** ms as a `datetime-local` input's value: local time, to the minute. */
export function localInputValue(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  return `${date}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A custom choice from two inputs, or why it is none. */
export function customRange(fromText: string, toText: string): RangeChoice | { error: string } {
  const from = parseLocalInput(fromText);
  const to = parseLocalInput(toText);
  if (from === undefined || to === undefined) return { error: "pick a start and an end" };
  if (to <= from) return { error: "the end must be after the start" };
  return { key: "custom", from, to };
}

export type HistoryRequestFn = (iq: Element) => Promise<Element>;

export interface LoadOptions {
  hub: string;
  device: string;
  channels: string[];
  from: number;
  to: number;
  /** At most this many pages per tier (default 20). */
  maxPages?: number;
}

export interface LoadedHistory {
  resolution: Tier;
  /** One series per channel, entries in time order, all pages merged. */
  series: HistorySeries[];
  /** True when even the coarsest tier had more than the cap allowed. */
  truncated: boolean;
}

export const MAX_PAGES = 20;
const COARSER: Record<Tier, Tier | undefined> = { raw: "1m", "1m": "1h", "1h": undefined };

let queryIds = 0;

/** Every page of one tier (or `auto`), up to the cap; `more` says whether pages were left. */
async function pages(
  request: HistoryRequestFn,
  o: LoadOptions,
  resolution: HistoryResolution,
): Promise<{ answers: HistoryAnswer[]; more: boolean }> {
  const answers: HistoryAnswer[] = [];
  let after: string | undefined;
  const max = o.maxPages ?? MAX_PAGES;
  do {
    // JSON entries: one text per series to parse (a hub that predates them answers elements).
    const base = { device: o.device, channels: o.channels, from: o.from, to: o.to, resolution, json: true };
    const iq = makeHistoryQuery(o.hub, `hist-${++queryIds}`, { ...base, ...(after ? { after } : {}) });
    const query = (await request(iq)).getChild("query", NS_XIOT_HISTORY);
    const parsed = query
      ? parseHistoryAnswer(query)
      : { ok: false as const, text: "an answer without <query/>" };
    if (!parsed.ok) throw new Error(`history answer: ${parsed.text}`);
    answers.push(parsed.value);
    after = parsed.value.next;
  } while (after !== undefined && answers.length < max);
  return { answers, more: after !== undefined };
}

/** Pages of one answer merged: one series per channel, in the order channels first came. */
export function mergePages(answers: HistoryAnswer[]): HistorySeries[] {
  const byChannel = new Map<string, HistorySeries>();
  for (const answer of answers)
    for (const s of answer.series) {
      const into = byChannel.get(s.channel) ?? { channel: s.channel, points: [], buckets: [] };
      into.points.push(...s.points);
      into.buckets.push(...s.buckets);
      byChannel.set(s.channel, into);
    }
  return [...byChannel.values()];
}

/** The range's history at the hub's own choice of tier (`auto`), coarser while it overflows the cap.
 * A request that fails (an error stanza, a timeout) rejects: the caller decides what to show. */
export async function loadHistory(request: HistoryRequestFn, o: LoadOptions): Promise<LoadedHistory> {
  let asked: HistoryResolution = "auto";
  for (;;) {
    const { answers, more } = await pages(request, o, asked);
    const resolution = answers[0]?.resolution ?? "raw";
    const coarser = COARSER[resolution];
    if (!more || coarser === undefined) return { resolution, series: mergePages(answers), truncated: more };
    asked = coarser;
  }
}
