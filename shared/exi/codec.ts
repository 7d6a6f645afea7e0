/* References: EXI 1.0 §5 (EXI header, "$EXI" cookie, distinguishing bits, options presence,
 * version); W3C Note "EXI for JSON". The two entry points of the codec. */
import { BitReader } from "./bit-reader";
import { Decoder } from "./decoder";
import { EXI_HEADER, encodeDocument } from "./encoder";
import { Exi4JsonError } from "./errors";
import { DEFAULT_LIMITS, type DecodeLimits, type EncodeOptions, type JsonValue } from "./types";

/** Encodes a JSON value as EXI4JSON (header 0x80, strict, bit-packed, no cookie). */
export function encode(value: JsonValue, options?: EncodeOptions): Uint8Array {
  return encodeDocument(value, options);
}

/** Decodes EXI4JSON bytes. Throws only `Exi4JsonError`, whatever the bytes. */
export function decode(bytes: Uint8Array, limits?: DecodeLimits): JsonValue {
  const full = resolveLimits(limits);
  try {
    const start = bodyStart(bytes);
    const reader = new BitReader(bytes, start);
    const value = new Decoder(reader, full).document();
    if (reader.byteEnd() !== bytes.length) {
      throw new Exi4JsonError("trailing-data", `${bytes.length - reader.byteEnd()} bytes after the document`);
    }
    return value;
  } catch (err) {
    if (err instanceof Exi4JsonError) throw err;
    // Why: the contract is "only Exi4JsonError"; a RangeError from a configured depth beyond
    // the JS stack, or a codec bug, is reported as a typed error with the original as cause.
    const depth = err instanceof RangeError;
    throw new Exi4JsonError(
      depth ? "depth-limit" : "internal-error",
      depth ? "nesting exceeds the call stack" : String(err),
      { cause: err },
    );
  }
}

/** Defaults for the limits not given; a given limit that is not a number ≥ 0 is a bug. */
function resolveLimits(limits: DecodeLimits = {}): Required<DecodeLimits> {
  const out = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(out) as (keyof DecodeLimits)[]) {
    const v = limits[name];
    if (v === undefined) continue;
    if (typeof v !== "number" || Number.isNaN(v) || v < 0)
      throw new TypeError(`decode limit ${name} must be ≥ 0`);
    out[name] = v;
  }
  return out;
}

const COOKIE = [0x24, 0x45, 0x58, 0x49]; // "$EXI"

/** Checks the header and returns the byte where the body starts. */
function bodyStart(bytes: Uint8Array): number {
  let i = 0;
  if (bytes.length >= 4 && COOKIE.every((c, k) => bytes[k] === c)) i = 4;
  if (i >= bytes.length) throw new Exi4JsonError("truncated", "no EXI header");
  const h = bytes[i]!;
  if ((h & 0xc0) !== 0x80) throw new Exi4JsonError("invalid-header", "distinguishing bits are not 10");
  if (h & 0x20) {
    throw new Exi4JsonError(
      "unsupported-header",
      "header carries EXI options (alignment, compression or others); only the default profile is accepted",
    );
  }
  if (h !== EXI_HEADER) throw new Exi4JsonError("unsupported-header", "not a final EXI version 1 stream");
  return i + 1;
}
