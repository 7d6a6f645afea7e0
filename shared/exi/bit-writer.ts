/* References: EXI 1.0 §7.1.9 n-bit Unsigned Integer, §7.1.6 Unsigned Integer, §7.1.10 String,
 * bit-packed alignment
 * (§6: fields written most significant bit first, no byte alignment; last byte zero-padded). */

/** Appends bit fields to a growable byte buffer. */
export class BitWriter {
  private buf: Uint8Array;
  private len = 0;
  /** Pending bits not yet forming a full byte (fewer than 8). */
  private acc = 0;
  private accBits = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Writes the low `count` bits of `value` (count ≤ 24). */
  bits(count: number, value: number): void {
    if (count === 0) return;
    let acc = (this.acc << count) | value;
    let n = this.accBits + count;
    while (n >= 8) {
      n -= 8;
      this.push((acc >>> n) & 0xff);
    }
    acc &= (1 << n) - 1;
    this.acc = acc;
    this.accBits = n;
  }

  /** Writes one 8-bit field. */
  octet(value: number): void {
    const n = this.accBits;
    if (n === 0) {
      this.push(value);
      return;
    }
    const acc = (this.acc << 8) | value;
    this.push((acc >>> n) & 0xff);
    this.acc = acc & ((1 << n) - 1);
  }

  /** EXI Unsigned Integer (7 bits per octet, high bit = more follow) for 0 ≤ value < 2^53. */
  unsigned(value: number): void {
    while (value >= 128) {
      this.octet((value % 128) | 128);
      value = Math.floor(value / 128);
    }
    this.octet(value);
  }

  /** EXI Unsigned Integer of any size. */
  unsignedBig(value: bigint): void {
    while (value >= 128n) {
      this.octet(Number(value & 127n) | 128);
      value >>= 7n;
    }
    this.octet(Number(value));
  }

  /** The characters of `s` as code points (EXI §7.1.10), without the length. */
  codePoints(s: string): void {
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
        const lo = s.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
          i++;
        }
      }
      if (c < 128) this.octet(c);
      else this.unsigned(c);
    }
  }

  /** Pads the last byte with zeros and returns the bytes written. */
  finish(): Uint8Array {
    if (this.accBits > 0) this.bits(8 - this.accBits, 0);
    return this.buf.slice(0, this.len);
  }

  private push(byte: number): void {
    if (this.len === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = byte;
  }
}

/** Number of code points in `s` (EXI string lengths count characters, not UTF-16 units). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Bits needed for an n-bit unsigned integer that distinguishes `count` values (EXI §7.1.9). */
export function widthFor(count: number): number {
  return count <= 1 ? 0 : 32 - Math.clz32(count - 1);
}
