/* The hub's answer to history queries (urn:xiot:history:0, docs/history.md): decided by the one
 * access rule on the device's readings node at the moment of the answer, read from the history
 * store, bounded by the reply byte budget and paged with RSM.
 * References: XEP-0059 §2.2 (paging forwards), docs/design.md §6 (one access rule; replies bounded
 * by bytes), RFC 6120 §8.3.3.1 (bad-request), §8.3.3.7 (item-not-found). */
import type { Element } from "@xmpp/xml";
import { readingsNode } from "../../shared/model";
import { elementBytes, envelopeBytes } from "../../shared/xmpp/budget";
import { makeError } from "../../shared/xmpp/errors";
import {
  bucketElement,
  cursorOf,
  type HistoryRequest,
  makeHistoryAnswer,
  parseCursor,
  parseHistoryQuery,
  pointElement,
} from "../../shared/xmpp/history";
import { bucketJson, pointJson } from "../../shared/xmpp/history-json";
import { NS_XIOT_HISTORY } from "../../shared/xmpp/ns";
import type { AccessRule } from "../access/rule";
import type { IqContext, IqRoute } from "../iq-types";
import { summarize } from "./summary";
import {
  autoTier,
  type Bucket,
  DEFAULT_HISTORY_PAGE,
  type HistoryQuery,
  type HistoryStore,
  type RawPoint,
  type Tier,
} from "./types";

export interface HistoryServiceDeps {
  history: HistoryStore;
  access: Pick<AccessRule, "factsOf" | "refusal">;
  now(): number;
  /** The reply budget (pubsub.maxReplyBytes). */
  maxReplyBytes: number;
  /** Most entries in one page, whatever the client asks. */
  maxPerPage?: number;
}

export { DEFAULT_HISTORY_PAGE } from "./types";

/** Whether `jid` may read the device's history now: the rule that guards its readings node. */
export async function mayReadHistory(
  access: HistoryServiceDeps["access"],
  device: string,
  jid: string,
): Promise<boolean> {
  const node = readingsNode(device);
  if (!(await access.factsOf(node))) return false;
  return (await access.refusal(node, jid)) === undefined;
}

interface Page {
  entries: Map<string, (Element | string)[]>;
  next?: string;
}

/** How entries are written and what each costs of the budget: an element each, counted with the
 * series wrapper and the cursor (generously); or JSON (`format='json'`), counted with its XML
 * escapes, and a series wrapper once per channel. */
interface Encoder {
  point(p: RawPoint): Element | string;
  bucket(b: Bucket): Element | string;
  size(entry: Element | string): number;
  perSeries: number;
}

const XML_ENTRIES: Encoder = {
  point: pointElement,
  bucket: bucketElement,
  size: (e) => elementBytes(e as Element) + 64,
  perSeries: 0,
};

const JSON_ENTRIES: Encoder = {
  point: pointJson,
  bucket: bucketJson,
  size: (e) => Buffer.byteLength(e as string) + 1 + 4 * ((e as string).match(/[&<>"']/g)?.length ?? 0),
  perSeries: 64,
};

/** What every page starts from: its count limit, the channels in order, the cursor and the
 * index of its channel (-1: past every channel), and how entries are written. */
function pageStart(deps: HistoryServiceDeps, r: HistoryRequest) {
  const limit = Math.min(r.max ?? Number.POSITIVE_INFINITY, deps.maxPerPage ?? DEFAULT_HISTORY_PAGE);
  const channels = r.channels.length > 0 ? r.channels : deps.history.channels(r.device);
  const cursor = r.after === undefined ? undefined : parseCursor(r.after);
  const start = cursor ? channels.indexOf(cursor.channel) : 0;
  return { limit, channels, cursor, start, encode: r.json ? JSON_ENTRIES : XML_ENTRIES };
}

/** A summary page: one merged bucket per channel (./summary.ts), channels in order until the
 * count or the bytes run out; a cursor then names the channel to start from. */
function readSummaries(deps: HistoryServiceDeps, r: HistoryRequest, tier: Tier, budget: number): Page {
  const { limit, channels, start, encode } = pageStart(deps, r);
  const entries = new Map<string, (Element | string)[]>();
  if (start < 0) return { entries }; // a cursor past every channel: nothing more
  let count = 0;
  let used = 0;
  for (let i = start; i < channels.length; i++) {
    const channel = channels[i] as string;
    if (count >= Math.max(limit, 1)) return { entries, next: cursorOf(channel, r.from - 1) };
    const b = summarize(deps.history, { device: r.device, channel, from: r.from, to: r.to, tier });
    const els = b ? [encode.bucket(b)] : [];
    const size = els.reduce((sum, el) => sum + encode.size(el), encode.perSeries + 64);
    if (count > 0 && used + size > budget) return { entries, next: cursorOf(channel, r.from - 1) };
    entries.set(channel, els);
    used += size;
    count++;
  }
  return { entries };
}

/** Reads one page: channels in order, entries in time order, until the count or the bytes run out.
 * The cursor names the channel and time of the last entry sent; a page that ends exactly at the
 * end of a channel points at the start of the next one. */
function readPage(deps: HistoryServiceDeps, r: HistoryRequest, tier: Tier, budget: number): Page {
  const { limit, channels, cursor, start, encode } = pageStart(deps, r);
  const entries = new Map<string, (Element | string)[]>();
  if (start < 0) return { entries }; // a cursor past every channel: nothing more
  const beforeFrom = r.from - 1;
  let count = 0;
  let used = 0;
  for (let i = start; i < channels.length; i++) {
    const channel = channels[i] as string;
    const after = cursor && i === start ? cursor.t : undefined;
    const page = deps.history.query({
      ...{ device: r.device, channel, from: r.from, to: r.to, tier },
      limit: limit - count,
      after,
    });
    const rows =
      page.tier === "raw"
        ? page.points.map((p) => ({ t: p.t, el: encode.point(p) }))
        : page.buckets.map((b) => ({ t: b.t, el: encode.bucket(b) }));
    const list: (Element | string)[] = [];
    entries.set(channel, list);
    used += encode.perSeries;
    let lastT = after ?? beforeFrom;
    for (const row of rows) {
      const size = encode.size(row.el);
      if (count > 0 && used + size > budget) return { entries, next: cursorOf(channel, lastT) };
      list.push(row.el);
      used += size;
      count++;
      lastT = row.t;
    }
    if (page.more) return { entries, next: cursorOf(channel, lastT) };
    const following = channels[i + 1];
    if (count >= limit && following !== undefined) return { entries, next: cursorOf(following, beforeFrom) };
  }
  return { entries };
}

export function historyRoute(deps: HistoryServiceDeps): IqRoute {
  return {
    type: "get",
    ns: NS_XIOT_HISTORY,
    name: "query",
    async handler(ctx: IqContext) {
      const parsed = parseHistoryQuery(ctx.child, deps.now());
      if (!parsed.ok) return makeError("bad-request", { text: parsed.text });
      const r = parsed.value;
      // The same answer for a device that does not exist and one the sender may not read.
      if (!(await mayReadHistory(deps.access, r.device, ctx.from)))
        return makeError("item-not-found", { text: `no device ${r.device} that you can read` });
      const tier: Tier = r.resolution === "auto" ? autoTier(r.from, r.to) : r.resolution;
      const budget = deps.maxReplyBytes - envelopeBytes(ctx, r.device);
      const page = (r.summary ? readSummaries : readPage)(deps, r, tier, budget);
      return makeHistoryAnswer(
        {
          device: r.device,
          resolution: tier,
          series: [],
          ...(page.next ? { next: page.next } : {}),
          ...(r.summary ? { summary: true } : {}),
          ...(r.json ? { json: true } : {}),
        },
        page.entries,
      );
    },
  };
}

export type SeriesRows = { tier: "raw"; rows: RawPoint[] } | { tier: "1m" | "1h"; rows: Bucket[] };

/** Every point or bucket of one channel in [from, to) at a tier, read page by page, at most `cap`
 * of them; `cut` says there were more. */
export function readSeries(
  history: HistoryStore,
  q: Omit<HistoryQuery, "limit" | "after">,
  cap: number,
): SeriesRows & { cut: boolean } {
  const rows: Array<RawPoint | Bucket> = [];
  let after: number | undefined;
  for (;;) {
    const limit = Math.min(DEFAULT_HISTORY_PAGE, cap - rows.length + 1);
    const page = history.query({ ...q, limit, ...(after === undefined ? {} : { after }) });
    const got: Array<RawPoint | Bucket> = page.tier === "raw" ? page.points : page.buckets;
    rows.push(...got);
    const last = got.at(-1);
    if (rows.length > cap) return { ...typed(q.tier, rows.slice(0, cap)), cut: true };
    if (!page.more || last === undefined) return { ...typed(q.tier, rows), cut: false };
    after = last.t;
  }
}

const typed = (tier: Tier, rows: Array<RawPoint | Bucket>): SeriesRows =>
  tier === "raw" ? { tier, rows: rows as RawPoint[] } : { tier, rows: rows as Bucket[] };
