/* References: EXI 1.0 §7.1.9 n-bit Unsigned Integer, §7.1.6 Unsigned Integer, §7.1.10 String,
 * bit-packed alignment (§6). Every read checks the remaining length first, so a lying length
 * or a runaway continuation bit ends in a typed error before anything is allocated. */
import { Exi4JsonError } from "./errors";

/** Longest Unsigned Integer accepted for lengths and table ids: 7 octets hold 49 bits. */
const MAX_SMALL_OCTETS = 7;

export class BitReader {
  private readonly bytes: Uint8Array;
  private pos: number;
  private readonly end: number;

  constructor(bytes: Uint8Array, startByte: number) {
    this.bytes = bytes;
    this.pos = startByte * 8;
    this.end = bytes.length * 8;
  }

  /** Bits not yet read. */
  remaining(): number {
    return this.end - this.pos;
  }

  /** Byte index of the next unread bit, rounded up (where a padded stream should end). */
  byteEnd(): number {
    return Math.ceil(this.pos / 8);
  }

  /** Reads an unsigned field of `count` bits (count ≤ 24). */
  bits(count: number): number {
    let p = this.pos;
    if (p + count > this.end) throw truncated();
    const bytes = this.bytes;
    let v = 0;
    while (count > 0) {
      const off = p & 7;
      const avail = 8 - off;
      const take = Math.min(avail, count);
      v = (v << take) | ((bytes[p >>> 3]! >>> (avail - take)) & ((1 << take) - 1));
      p += take;
      count -= take;
    }
    this.pos = p;
    return v;
  }

  bit(): number {
    const p = this.pos;
    if (p >= this.end) throw truncated();
    this.pos = p + 1;
    return (this.bytes[p >>> 3]! >>> (7 - (p & 7))) & 1;
  }

  octet(): number {
    const p = this.pos;
    if (p + 8 > this.end) throw truncated();
    this.pos = p + 8;
    const off = p & 7;
    const i = p >>> 3;
    if (off === 0) return this.bytes[i]!;
    return ((this.bytes[i]! << off) | (this.bytes[i + 1]! >>> (8 - off))) & 0xff;
  }

  /** Unsigned Integer that must fit 49 bits (lengths, ids, code points). */
  unsigned(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_SMALL_OCTETS; i++) {
      const o = this.octet();
      v += (o & 127) * scale;
      if (o < 128) return v;
      scale *= 128;
    }
    throw new Exi4JsonError("integer-too-large", `unsigned integer longer than ${MAX_SMALL_OCTETS} octets`);
  }

  /** Unsigned Integer of at most `maxOctets` octets; a number when below 2^49, else a bigint. */
  unsignedBig(maxOctets: number): number | bigint {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_SMALL_OCTETS; i++) {
      const o = this.octet();
      v += (o & 127) * scale;
      if (o < 128) return v;
      scale *= 128;
    }
    let big = BigInt(v);
    let shift = BigInt(7 * MAX_SMALL_OCTETS);
    for (let i = MAX_SMALL_OCTETS; i < maxOctets; i++) {
      const o = this.octet();
      big |= BigInt(o & 127) << shift;
      if (o < 128) return big;
      shift += 7n;
    }
    throw new Exi4JsonError("integer-too-large", `integer longer than ${maxOctets} octets`);
  }

  /** `length` characters, each an Unsigned Integer code point (EXI §7.1.10). */
  codePoints(length: number): string {
    // Each character takes at least one octet: refuse before reading a lying length.
    if (length * 8 > this.remaining()) throw truncated();
    let s = "";
    for (let i = 0; i < length; i++) {
      let c = this.octet();
      if (c >= 128) {
        c = (c & 127) + this.continueCodePoint();
        if (c > 0x10ffff) throw new Exi4JsonError("invalid-value", "character code point beyond U+10FFFF");
      }
      s += c < 0x10000 ? String.fromCharCode(c) : String.fromCodePoint(c);
    }
    return s;
  }

  /** Rest of a multi-octet code point, already scaled; at most 3 octets in all (21 bits). */
  private continueCodePoint(): number {
    const o2 = this.octet();
    if (o2 < 128) return o2 * 128;
    const o3 = this.octet();
    if (o3 >= 128) throw new Exi4JsonError("invalid-value", "character code point beyond U+10FFFF");
    return (o2 & 127) * 128 + o3 * 16384;
  }
}

function truncated(): Exi4JsonError {
  return new Exi4JsonError("truncated", "stream ends inside the document");
}
