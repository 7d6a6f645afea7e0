/* The history query protocol, urn:xiot:history:0 (docs/history.md): pure builders and parsers
 * for the request, which programs, the CLI and the dashboard send, and for the hub's answer.
 * Times are XEP-0082 date-times (UTC, milliseconds); paging is XEP-0059 RSM with an opaque
 * cursor; `<count/>` is left out (XEP-0059 §2.1 makes it optional), counting a range costs as
 * much as reading it.
 * References: XEP-0082 §3.3 (DateTime), XEP-0059 §2.1–§2.2 (limiting, paging forwards). */
import xml, { type Element } from "@xmpp/xml";
import { isChannelName, isDeviceId, type Quality, type ReadingValue } from "../model";
import { parseSeriesJson, seriesJson } from "./history-json";
import { NS_RSM, NS_XIOT_HISTORY } from "./ns";

export type HistoryResolution = "raw" | "1m" | "1h" | "auto";
const RESOLUTIONS: readonly HistoryResolution[] = ["raw", "1m", "1h", "auto"];

export interface HistoryRequest {
  device: string;
  /** Channels asked for; empty: every channel of the device. */
  channels: string[];
  /** Inclusive start and exclusive end, ms since the epoch. */
  from: number;
  to: number;
  resolution: HistoryResolution;
  /** RSM: most points or buckets in the page (the hub may answer fewer). */
  max?: number;
  /** RSM: the cursor of the last entry of the previous page. */
  after?: string;
  /** One bucket per channel merging the whole range at the resolution (a range aggregate). */
  summary?: boolean;
  /** The answer's entries as one JSON text per series (`format='json'`, ./history-json.ts)
   * instead of an element each. */
  json?: boolean;
}

export interface HistoryPoint {
  t: number;
  v: ReadingValue;
  q?: Quality;
}

export interface HistoryBucket {
  t: number;
  n: number;
  first: ReadingValue;
  last: ReadingValue;
  min?: number;
  max?: number;
  mean?: number;
}

export interface HistorySeries {
  channel: string;
  points: HistoryPoint[];
  buckets: HistoryBucket[];
}

export interface HistoryAnswer {
  device: string;
  /** The tier the hub answered from (`auto` resolved). */
  resolution: Exclude<HistoryResolution, "auto">;
  series: HistorySeries[];
  /** The cursor to ask `after` for the next page; undefined on the last page. */
  next?: string;
  /** Each series holds one bucket merging the range (asked with `summary`). */
  summary?: boolean;
  /** Entries as one JSON text per series (asked with `format='json'`). */
  json?: boolean;
}

// XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD.
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** ms since the epoch of an XEP-0082 date-time; undefined when it is not one. */
export function parseDateTime(text: string | undefined): number | undefined {
  if (text === undefined || !DATETIME_RE.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export const dateTime = (ms: number): string => new Date(ms).toISOString();

/** The cursor of an entry: its channel and time. */
export const cursorOf = (channel: string, t: number): string => `${channel}/${t}`;

/** The channel and time of a cursor; undefined when it is none of ours. */
export function parseCursor(cursor: string): { channel: string; t: number } | undefined {
  const [channel, t] = cursor.split("/");
  const ms = Number(t);
  return isChannelName(channel) && t !== undefined && /^-?\d{1,16}$/.test(t) ? { channel, t: ms } : undefined;
}

export function makeHistoryQuery(hub: string, id: string, r: HistoryRequest): Element {
  const rsm: Element[] = [];
  if (r.max !== undefined) rsm.push(xml("max", {}, String(r.max)));
  if (r.after !== undefined) rsm.push(xml("after", {}, r.after));
  return xml(
    "iq",
    { type: "get", to: hub, id },
    xml(
      "query",
      {
        xmlns: NS_XIOT_HISTORY,
        device: r.device,
        from: dateTime(r.from),
        to: dateTime(r.to),
        resolution: r.resolution,
        ...(r.summary ? { summary: "true" } : {}),
        ...(r.json ? { format: "json" } : {}),
      },
      ...r.channels.map((name) => xml("channel", { name })),
      ...(rsm.length > 0 ? [xml("set", { xmlns: NS_RSM }, ...rsm)] : []),
    ),
  );
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; text: string };
const bad = <T>(text: string): Parsed<T> => ({ ok: false, text });

/** The request in a `<query xmlns='urn:xiot:history:0'/>`; `to` defaults to `now`. */
export function parseHistoryQuery(query: Element, now: number): Parsed<HistoryRequest> {
  const { device, from, to, resolution, summary, format } = query.attrs as Record<string, string | undefined>;
  if (!isDeviceId(device)) return bad("device: expected a device id");
  const fromMs = parseDateTime(from);
  if (fromMs === undefined) return bad("from: expected an XEP-0082 date-time, e.g. 2026-12-01T00:00:00Z");
  const toMs = to === undefined ? now : parseDateTime(to);
  if (toMs === undefined) return bad("to: expected an XEP-0082 date-time");
  if (toMs <= fromMs) return bad("to must be later than from");
  const res = (resolution ?? "auto") as HistoryResolution;
  if (!RESOLUTIONS.includes(res)) return bad(`resolution: expected one of ${RESOLUTIONS.join(", ")}`);
  const channels: string[] = [];
  for (const c of query.getChildren("channel")) {
    const name = c.attrs.name as string | undefined;
    if (!isChannelName(name)) return bad(`channel: "${name ?? ""}" is not a channel name`);
    if (!channels.includes(name)) channels.push(name);
  }
  const request: HistoryRequest = { device, channels, from: fromMs, to: toMs, resolution: res };
  if (summary !== undefined) {
    // xs:boolean (XML Schema Part 2 §3.2.2).
    if (!["true", "false", "1", "0"].includes(summary)) return bad("summary: expected true or false");
    if (summary === "true" || summary === "1") request.summary = true;
  }
  if (format !== undefined) {
    if (format !== "xml" && format !== "json") return bad("format: expected xml or json");
    if (format === "json") request.json = true;
  }
  const set = query.getChild("set", NS_RSM);
  if (set) {
    const max = set.getChildText("max");
    if (max !== null) {
      if (!/^\d{1,9}$/.test(max.trim())) return bad("RSM max: expected a count");
      request.max = Number(max.trim());
    }
    const after = set.getChildText("after");
    if (after !== null) {
      if (!parseCursor(after)) return bad("RSM after: not a cursor from an earlier page");
      request.after = after;
    }
  }
  return { ok: true, value: request };
}

/** A reading value as attribute text, and its kind when it is not a number. */
function valueAttrs(prefix: string, v: ReadingValue): Record<string, string> {
  if (typeof v === "number") return { [prefix]: String(v) };
  return { [prefix]: String(v), [`${prefix}-type`]: typeof v === "boolean" ? "boolean" : "string" };
}

function readValue(attrs: Record<string, string | undefined>, prefix: string): ReadingValue | undefined {
  const text = attrs[prefix];
  if (text === undefined) return undefined;
  const kind = attrs[`${prefix}-type`];
  if (kind === "boolean") return text === "true";
  if (kind === "string") return text;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** One entry of a series: `<p/>` for a raw point, `<b/>` for a bucket. */
export function pointElement(p: HistoryPoint): Element {
  return xml("p", { t: dateTime(p.t), ...valueAttrs("v", p.v), ...(p.q ? { q: p.q } : {}) });
}

export function bucketElement(b: HistoryBucket): Element {
  const attrs: Record<string, string> = { t: dateTime(b.t), n: String(b.n) };
  if (b.min !== undefined) attrs.min = String(b.min);
  if (b.max !== undefined) attrs.max = String(b.max);
  if (b.mean !== undefined) attrs.mean = String(b.mean);
  return xml("b", { ...attrs, ...valueAttrs("first", b.first), ...valueAttrs("last", b.last) });
}

/** The answer; `entries` per channel are elements (pointElement, bucketElement), or with
 * `a.json` the entries' JSON (./history-json.ts). */
export function makeHistoryAnswer(
  a: HistoryAnswer,
  entries: Map<string, readonly (Element | string)[]>,
): Element {
  const json = a.json === true;
  return xml(
    "query",
    {
      xmlns: NS_XIOT_HISTORY,
      device: a.device,
      resolution: a.resolution,
      ...(a.summary ? { summary: "true" } : {}),
      ...(json ? { format: "json" } : {}),
    },
    ...[...entries].map(([channel, children]) =>
      json
        ? xml("series", { channel }, seriesJson(children as string[]))
        : xml("series", { channel }, ...children),
    ),
    ...(a.next ? [xml("set", { xmlns: NS_RSM }, xml("last", {}, a.next))] : []),
  );
}

/** The hub's answer: series with their points or buckets, and the cursor of the next page. */
export function parseHistoryAnswer(query: Element): Parsed<HistoryAnswer> {
  const { device, resolution, summary, format } = query.attrs as Record<string, string | undefined>;
  if (!isDeviceId(device)) return bad("answer without a device");
  if (resolution !== "raw" && resolution !== "1m" && resolution !== "1h")
    return bad("answer without a resolution");
  const series: HistorySeries[] = [];
  for (const s of query.getChildren("series")) {
    const channel = s.attrs.channel as string | undefined;
    if (!isChannelName(channel)) return bad("series without a channel");
    if (format === "json") {
      const got = parseSeriesJson(channel, s.text());
      if (!got.ok) return bad(got.text);
      series.push({ channel, points: got.points, buckets: got.buckets });
      continue;
    }
    const points: HistoryPoint[] = [];
    const buckets: HistoryBucket[] = [];
    for (const e of s.getChildElements()) {
      const attrs = e.attrs as Record<string, string | undefined>;
      const t = parseDateTime(attrs.t);
      if (t === undefined) return bad(`${channel}: an entry without a time`);
      if (e.name === "p") {
        const v = readValue(attrs, "v");
        if (v === undefined) return bad(`${channel}: a point without a value`);
        points.push(attrs.q ? { t, v, q: attrs.q as Quality } : { t, v });
      } else if (e.name === "b") {
        const first = readValue(attrs, "first");
        const last = readValue(attrs, "last");
        const n = Number(attrs.n);
        if (first === undefined || last === undefined || !Number.isSafeInteger(n))
          return bad(`${channel}: a malformed bucket`);
        const b: HistoryBucket = { t, n, first, last };
        for (const k of ["min", "max", "mean"] as const) if (attrs[k] !== undefined) b[k] = Number(attrs[k]);
        buckets.push(b);
      }
    }
    series.push({ channel, points, buckets });
  }
  const next = query.getChild("set", NS_RSM)?.getChildText("last") ?? undefined;
  const value: HistoryAnswer = { device, resolution, series, ...(next ? { next } : {}) };
  if (summary === "true") value.summary = true;
  if (format === "json") value.json = true;
  return { ok: true, value };
}
