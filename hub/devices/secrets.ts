/* Claim keys and registration secrets: generation, normalisation, hashing, comparison.
 * References: RFC 4648 §6 (base32 alphabet), NIST SP 800-63B §5.1.1.2 (a random secret of
 * ≥ 112 bits needs no slow hash; SHA-256 suffices), XEP-0347 §3.5 (claiming with a key).
 *
 * Secrets are 160 random bits written as 32 base32 characters (upper-case, no padding). People
 * type them, so parsing ignores case, spaces and dashes. Only SHA-256 hashes are stored; the
 * comparison of two hashes is constant-time. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { RandomSource } from "./types";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const SECRET_BYTES = 20;
/** Longest text accepted as a key (anything longer cannot be one). */
export const MAX_KEY_TEXT = 128;

export function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** A fresh 160-bit secret in base32. */
export function newSecret(random: RandomSource): string {
  const bytes = random(SECRET_BYTES);
  if (bytes.length < SECRET_BYTES) throw new Error("random source returned too few bytes");
  return base32(bytes.subarray(0, SECRET_BYTES));
}

/** What the user typed, as the canonical key text. */
export const normalizeKey = (text: string): string => text.replace(/[\s-]/g, "").toUpperCase();

/** SHA-256 (hex) of a key or secret after normalisation. */
export const hashSecret = (text: string): string =>
  createHash("sha256").update(normalizeKey(text), "utf8").digest("hex");

const DUMMY = Buffer.alloc(32);

/** Constant-time comparison of a stored hash (or none) with a candidate's hash. */
export function sameHash(stored: string | null, candidate: string): boolean {
  const b = Buffer.from(candidate, "hex");
  const a = stored === null ? DUMMY : Buffer.from(stored, "hex");
  if (a.length !== 32 || b.length !== 32) {
    timingSafeEqual(DUMMY, DUMMY); // same work as a real comparison
    return false;
  }
  return timingSafeEqual(a, b) && stored !== null;
}
