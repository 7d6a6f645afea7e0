import { describe, expect, it } from "vitest";
import { crc32 } from "../../../../agent/outbox/crc32";

describe("crc32", () => {
  it("matches the standard check value and the empty input", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });
  it("changes when any single bit flips", () => {
    const data = Buffer.from("xiot outbox record");
    const base = crc32(data);
    for (let i = 0; i < data.length * 8; i++) {
      const copy = Buffer.from(data);
      copy[i >> 3]! ^= 1 << (i & 7);
      expect(crc32(copy)).not.toBe(base);
    }
  });
});
