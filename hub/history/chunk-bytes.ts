/* Byte streams for history chunks (./chunk-codec.ts): unsigned and zigzag varints for any safe
 * integer (arithmetic, not 32-bit bit operations), and raw bytes.
 * References: https://protobuf.dev/programming-guides/encoding/#varints. */

/** Zigzag: small magnitudes of either sign become small unsigned numbers. */
export const zigzag = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);
export const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

export class ByteWriter {
  private buf = new Uint8Array(1024);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** A non-negative safe integer. */
  varint(n: number): void {
    this.ensure(8);
    let x = n;
    while (x >= 128) {
      this.buf[this.len++] = (x % 128) | 128;
      x = Math.floor(x / 128);
    }
    this.buf[this.len++] = x;
  }

  zigzag(n: number): void {
    this.varint(zigzag(n));
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class ByteReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.buf.length) throw new Error("history chunk truncated");
    return this.buf[this.pos++] as number;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 127) * mul;
      if (b < 128) return result;
      mul *= 128;
    }
  }

  zigzag(): number {
    return unzigzag(this.varint());
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new Error("history chunk truncated");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }
}
