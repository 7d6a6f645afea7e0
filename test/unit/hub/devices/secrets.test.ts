import { describe, expect, it } from "vitest";
import { base32, hashSecret, newSecret, normalizeKey, sameHash } from "../../../../hub/devices/secrets";
import { seededRandom } from "./setup";

describe("secrets", () => {
  it("encodes base32 as RFC 4648 §10 without padding", () => {
    const enc = (s: string) => base32(Buffer.from(s));
    expect(["", "f", "fo", "foo", "foob", "fooba", "foobar"].map(enc)).toEqual([
      "",
      "MY",
      "MZXQ",
      "MZXW6",
      "MZXW6YQ",
      "MZXW6YTB",
      "MZXW6YTBOI",
    ]);
  });

  it("makes 160-bit secrets of 32 base32 characters, different each time", () => {
    const random = seededRandom("s");
    const a = newSecret(random);
    const b = newSecret(random);
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(b).not.toBe(a);
    expect(() => newSecret(() => new Uint8Array(8))).toThrow(/too few bytes/);
  });

  it("ignores case, spaces and dashes in typed keys", () => {
    expect(normalizeKey("abcd-efgh ijkl")).toBe("ABCDEFGHIJKL");
    expect(hashSecret("abcd-efgh")).toBe(hashSecret("ABCDEFGH"));
    expect(hashSecret("ABCDEFGH")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("compares hashes: equal, different, none stored, malformed", () => {
    const h = hashSecret("KEY");
    expect(sameHash(h, hashSecret("key"))).toBe(true);
    expect(sameHash(h, hashSecret("other"))).toBe(false);
    expect(sameHash(null, h)).toBe(false);
    expect(sameHash(null, Buffer.alloc(32).toString("hex"))).toBe(false);
    expect(sameHash("abc", h)).toBe(false);
  });
});
