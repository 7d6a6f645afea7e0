/* Streaming a device's history out, page by page (urn:xiot:history:0, docs/history.md), as CSV
 * or JSON lines. Each page is written before the next is asked for, and a full output stream is
 * waited for (backpressure), so memory stays flat however long the range.
 * References: RFC 4180 (CSV), https://jsonlines.org. */
import type { Writable } from "node:stream";
import type { Element } from "@xmpp/xml";
import {
  dateTime,
  type HistoryBucket,
  type HistoryPoint,
  type HistoryRequest,
  makeHistoryQuery,
  parseHistoryAnswer,
} from "../../shared/xmpp/history";

export type ExportFormat = "csv" | "jsonl";

export interface ExportRequest extends Omit<HistoryRequest, "after" | "max"> {
  format: ExportFormat;
}

export type Requester = (iq: Element) => Promise<Element>;

const RAW_HEADER = "device,channel,time,value,quality";
const BUCKET_HEADER = "device,channel,time,count,min,max,mean,first,last";

/** A CSV field (RFC 4180 §2.6–2.7: quoted when it holds a comma, quote or line break). */
function field(value: unknown): string {
  const text = value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function pointLine(format: ExportFormat, device: string, channel: string, p: HistoryPoint): string {
  if (format === "jsonl")
    return JSON.stringify({ device, channel, t: dateTime(p.t), v: p.v, ...(p.q ? { q: p.q } : {}) });
  return [device, channel, dateTime(p.t), p.v, p.q].map(field).join(",");
}

function bucketLine(format: ExportFormat, device: string, channel: string, b: HistoryBucket): string {
  if (format === "jsonl") return JSON.stringify({ device, channel, ...b, t: dateTime(b.t) });
  return [device, channel, dateTime(b.t), b.n, b.min, b.max, b.mean, b.first, b.last].map(field).join(",");
}

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(text, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else out.once("drain", resolve);
  });
}

export interface ExportProgress {
  rows: number;
  /** The time of the newest row written so far. */
  upTo?: number;
}

/** Writes every page of the range to `out`; returns how many rows. */
export async function exportHistory(
  request: Requester,
  hub: string,
  r: ExportRequest,
  out: Writable,
  onPage?: (p: ExportProgress) => void,
): Promise<number> {
  let after: string | undefined;
  let rows = 0;
  let header = r.format === "csv";
  let page = 0;
  do {
    // JSON entries: one text per series (a hub that predates them answers elements).
    const iq = makeHistoryQuery(hub, `export-${page++}`, { ...r, json: true, ...(after ? { after } : {}) });
    const answer = await request(iq);
    const parsed = parseHistoryAnswer(answer.getChild("query") ?? answer);
    if (!parsed.ok) throw new Error(`the hub's history answer is malformed: ${parsed.text}`);
    const lines: string[] = [];
    let upTo: number | undefined;
    for (const s of parsed.value.series) {
      for (const p of s.points) lines.push(pointLine(r.format, r.device, s.channel, p));
      for (const b of s.buckets) lines.push(bucketLine(r.format, r.device, s.channel, b));
      for (const { t } of [...s.points, ...s.buckets]) upTo = Math.max(upTo ?? t, t);
    }
    rows += lines.length;
    if (header) {
      lines.unshift(parsed.value.resolution === "raw" ? RAW_HEADER : BUCKET_HEADER);
      header = false;
    }
    if (lines.length > 0) await write(out, `${lines.join("\n")}\n`);
    onPage?.({ rows, ...(upTo ? { upTo } : {}) });
    after = parsed.value.next;
  } while (after);
  return rows;
}
