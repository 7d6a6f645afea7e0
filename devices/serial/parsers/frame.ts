/* Pure frame parsing: bytes in → frames and errors out. A parser keeps only the bytes of an unfinished
 * frame between pushes; it never touches a port, a timer or a clock. */

export type FrameErrorKind = "checksum" | "length" | "syntax" | "overflow";

export interface FrameError {
  kind: FrameErrorKind;
  message: string;
}

export interface ParseResult<F> {
  frames: F[];
  errors: FrameError[];
  /** Bytes dropped while looking for a frame header (noise, or the rest of a bad frame). */
  skipped: number;
}

export interface FrameParser<F> {
  push(chunk: Uint8Array): ParseResult<F>;
  /** Forget any partial frame, e.g. after the port was reopened. */
  reset(): void;
}

export interface BinaryFrameSpec<F> {
  header: readonly number[];
  /** Whole frame length from the bytes after the header; `undefined` = need more bytes; < 0 = impossible. */
  frameLength(buffer: Uint8Array, start: number, available: number): number | undefined;
  decode(frame: Uint8Array): F | FrameError;
}

export function isFrameError(value: unknown): value is FrameError {
  return typeof value === "object" && value !== null && "kind" in value && "message" in value;
}

function findHeader(buf: Uint8Array, from: number, end: number, header: readonly number[]): number {
  const first = header[0]!;
  for (let i = buf.indexOf(first, from); i !== -1 && i < end; i = buf.indexOf(first, i + 1)) {
    let match = true;
    for (let k = 1; k < header.length && i + k < end; k++) {
      if (buf[i + k] !== header[k]) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  return -1;
}

/** Header-synchronised scanner: a bad frame costs one byte of progress, then the next header is sought. */
export function binaryFrameParser<F>(spec: BinaryFrameSpec<F>): FrameParser<F> {
  let pending: Uint8Array = new Uint8Array(0);
  return {
    reset() {
      pending = new Uint8Array(0);
    },
    push(chunk) {
      const buf = pending.length === 0 ? chunk : concat(pending, chunk);
      const result: ParseResult<F> = { frames: [], errors: [], skipped: 0 };
      let pos = 0;
      const end = buf.length;
      while (pos < end) {
        const at = findHeader(buf, pos, end, spec.header);
        if (at < 0) {
          result.skipped += end - pos;
          pos = end;
          break;
        }
        result.skipped += at - pos;
        pos = at;
        if (end - at < spec.header.length) break;
        const length = spec.frameLength(buf, at, end - at);
        if (length === undefined) break;
        if (length < 0) {
          result.errors.push({ kind: "length", message: `impossible frame length at header` });
          pos = at + 1;
          continue;
        }
        if (end - at < length) break;
        const decoded = spec.decode(buf.subarray(at, at + length));
        if (isFrameError(decoded)) {
          result.errors.push(decoded);
          pos = at + 1;
        } else {
          result.frames.push(decoded);
          pos = at + length;
        }
      }
      pending = buf.slice(pos);
      return result;
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function sum(bytes: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += bytes[i]!;
  return s;
}

export const hex = (n: number, width = 2) => `0x${n.toString(16).padStart(width, "0")}`;
