/* SCRAM-SHA-1's primitives on WebCrypto (crypto.subtle), for the browser dashboard: PBKDF2 in
 * one native deriveBits call. No node: imports: this runs in the browser bundle.
 * References: RFC 5802 §2.2 (Hi, HMAC, H), §3 (ServerSignature compared in constant time);
 * W3C Web Cryptography API (importKey, sign, deriveBits, digest, getRandomValues). */
import { toBase64 } from "../exi/base64";
import type { ScramPrimitives } from "./scram";

/** A copy backed by a plain ArrayBuffer, as WebCrypto's types ask. */
const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

async function hmacSha1(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", own(key), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, own(data)));
}

async function pbkdf2Sha1(password: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", own(password), "PBKDF2", false, ["deriveBits"]);
  const params = { name: "PBKDF2", salt: own(salt), iterations, hash: "SHA-1" };
  return new Uint8Array(await crypto.subtle.deriveBits(params, key, 160));
}

/** Every byte is looked at whatever the first difference: the time says nothing of where it is. */
function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

export const webCryptoScram: ScramPrimitives = {
  pbkdf2Sha1,
  hmacSha1,
  sha1: async (data) => new Uint8Array(await crypto.subtle.digest("SHA-1", own(data))),
  timingSafeEqual,
  nonce: () => toBase64(crypto.getRandomValues(new Uint8Array(18))),
};
