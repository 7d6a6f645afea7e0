/* SCRAM-SHA-1's primitives on node:crypto, for Node clients (agent, CLI, bench, tests):
 * pbkdf2Sync does the 4096 iterations in ~4 ms (docs/design.md §4).
 * References: RFC 5802 §2.2 (Hi, HMAC, H), §3 (ServerSignature compared in constant time). */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import type { ScramPrimitives } from "./scram";

export const nodeScram: ScramPrimitives = {
  pbkdf2Sha1: (password, salt, iterations) => pbkdf2Sync(password, salt, iterations, 20, "sha1"),
  hmacSha1: (key, data) => createHmac("sha1", key).update(data).digest(),
  sha1: (data) => createHash("sha1").update(data).digest(),
  timingSafeEqual: (a, b) => a.length === b.length && timingSafeEqual(a, b),
  nonce: () => randomBytes(18).toString("base64"),
};
