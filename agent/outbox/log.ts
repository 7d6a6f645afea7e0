/* The on-disk framing of the outbox logs.
 *
 * Frame:  u32 LE body length | u32 LE CRC-32 of body | body
 * Body:   u8 entry type | u32 LE JSON length | JSON header (UTF-8) | payload bytes (rest)
 *
 * A scan stops at the first frame that is incomplete (length beyond the end of the file), fails
 * its CRC, or does not decode: that frame and everything after it is a torn tail from a crash and
 * is discarded; all frames before it are intact. */
import { crc32 } from "./crc32";

export const FRAME_HEADER = 8;
/** Larger lengths are treated as corruption rather than allocated. */
export const MAX_FRAME_BODY = 64 * 1024 * 1024;

export const ENTRY = {
  /** Data record: header {key, itemId, count, gap?}, payload = encoded document. */
  data: 0x44,
  /** Records dropped by the drop-oldest policy: header {keys}. */
  drop: 0x58,
  /** State written first by compaction: header {nextKey, gaps, lostEpoch?}. */
  state: 0x48,
  /** Ack log: record acknowledged by the hub: header {key}. */
  ack: 0x41,
  /** Ack log: record moved to quarantine; quarantine log: the quarantined record itself. */
  quarantine: 0x51,
  /** Gaps of documents that were never stored, taken over from the reserve: header {epoch, gaps}. */
  lost: 0x4c,
  /** The reserve's one frame per slot (./reserve.ts): header {gen, epoch, gaps}. */
  reserve: 0x52,
} as const;
export type EntryType = (typeof ENTRY)[keyof typeof ENTRY];
const TYPES = new Set<number>(Object.values(ENTRY));

export interface Entry {
  type: EntryType;
  header: Record<string, unknown>;
  payload: Uint8Array;
  /** Size of the whole frame in the file. */
  size: number;
}

export function encodeFrame(type: EntryType, header: object, payload: Uint8Array = new Uint8Array()): Buffer {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const bodyLength = 1 + 4 + json.length + payload.length;
  const frame = Buffer.allocUnsafe(FRAME_HEADER + bodyLength);
  frame.writeUInt32LE(bodyLength, 0);
  frame.writeUInt8(type, 8);
  frame.writeUInt32LE(json.length, 9);
  json.copy(frame, 13);
  frame.set(payload, 13 + json.length);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER)), 4);
  return frame;
}

function decodeBody(body: Buffer): Omit<Entry, "size"> | undefined {
  if (body.length < 5) return undefined;
  const type = body.readUInt8(0);
  const jsonLength = body.readUInt32LE(1);
  if (!TYPES.has(type) || 5 + jsonLength > body.length) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(5, 5 + jsonLength).toString("utf8"));
  } catch {
    // Why: a CRC-valid body that is not JSON cannot come from this writer; treat it as corruption.
    return undefined;
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return undefined;
  const payload = Uint8Array.from(body.subarray(5 + jsonLength));
  return { type: type as EntryType, header: header as Record<string, unknown>, payload };
}

export interface ScanResult {
  entries: Entry[];
  /** Offset just past the last intact frame; bytes beyond it are a torn tail. */
  validEnd: number;
}

export function scanFrames(buf: Buffer): ScanResult {
  const entries: Entry[] = [];
  let off = 0;
  while (off + FRAME_HEADER <= buf.length) {
    const length = buf.readUInt32LE(off);
    if (length > MAX_FRAME_BODY || off + FRAME_HEADER + length > buf.length) break;
    const body = buf.subarray(off + FRAME_HEADER, off + FRAME_HEADER + length);
    if (crc32(body) !== buf.readUInt32LE(off + 4)) break;
    const entry = decodeBody(body);
    if (entry === undefined) break;
    entries.push({ ...entry, size: FRAME_HEADER + length });
    off += FRAME_HEADER + length;
  }
  return { entries, validEnd: off };
}
