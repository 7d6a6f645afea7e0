/* Queries of the chunked history engine (./sqlite-chunks.ts). A window is in the head or sealed,
 * never both, and its buckets are rows only once rolled, so the sorted lists merged here never
 * hold the same time: head fragments (./chunk-head.ts), chunks, and (for rollups) written-out bucket rows. A sealed
 * window's hours come from its hour buckets when it has them (./chunk-hours.ts), else from its
 * readings. */
import { bucketStart, firstTime, publicBucket } from "./buckets";
import { decodeChunk } from "./chunk-codec";
import { headPoints } from "./chunk-head";
import { decodeHours } from "./chunk-hours";
import { bucketsOf } from "./chunk-rollup";
import type { ChunkStatements } from "./chunk-statements";
import { bucketFromRow } from "./sqlite-values";
import { BUCKET_MS, type Bucket, type HistoryPage, type HistoryQuery, type RawPoint } from "./types";

function mergeSorted<T extends { t: number }>(a: readonly T[], b: readonly T[], most: number): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (out.length < most && (i < a.length || j < b.length)) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.t < y.t)) {
      out.push(x as T);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

const ceilTo = (x: number, width: number): number => Math.ceil(x / width) * width;

export function queryChunks(st: ChunkStatements, windowMs: number, q: HistoryQuery): HistoryPage {
  const found = st.series.get(q.device, q.channel);
  if (!found)
    return q.tier === "raw"
      ? { tier: "raw", points: [], more: false }
      : { tier: q.tier, buckets: [], more: false };
  const id = found.id;
  const most = q.limit + 1;
  const lower = firstTime(q);
  const firstWindow = bucketStart(lower, windowMs);
  if (q.tier === "raw") {
    const chunks = st.chunks.all(id, firstWindow, q.to);
    const head = headPoints(st, id, { firstWindow, from: lower, to: q.to }, most);
    const sealed: RawPoint[] = [];
    for (const c of chunks) {
      for (const p of decodeChunk(c.data)) if (p.t >= lower && p.t < q.to) sealed.push(p);
      if (sealed.length >= most) break;
    }
    const points = mergeSorted(head, sealed, most);
    return { tier: "raw", points: points.slice(0, q.limit), more: points.length > q.limit };
  }
  const width = BUCKET_MS[q.tier];
  const [from, to] = [ceilTo(lower, width), ceilTo(q.to, width)];
  const inHead = headPoints(st, id, { firstWindow: bucketStart(from, windowMs), from, to }, Infinity);
  const head = bucketsOf(inHead, width, lower, q.to).map(publicBucket);
  const rows = st.rollup[q.tier].range.all(id, lower, q.to, most).map((r) => publicBucket(bucketFromRow(r)));
  const sealed: Bucket[] = [];
  const chunks = q.tier === "1h" ? st.hours.all(id, firstWindow, q.to) : st.chunks.all(id, firstWindow, q.to);
  for (const c of chunks) {
    if (c.rolled === 1) continue; // its buckets are rows
    if ("hours" in c && c.hours !== null) sealed.push(...decodeHours(c.hours, lower, q.to));
    else
      for (const b of bucketsOf(decodeChunk(c.data as Uint8Array), width, lower, q.to))
        sealed.push(publicBucket(b));
    if (sealed.length >= most) break;
  }
  const buckets = mergeSorted(mergeSorted(head, rows, most), sealed, most);
  return { tier: q.tier, buckets: buckets.slice(0, q.limit), more: buckets.length > q.limit };
}
