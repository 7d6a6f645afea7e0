/* References: RFC 4648 §4 (base64, padded). Small own implementation: no Buffer, so it runs
 * in the browser bundle as in Node. */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export function toBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}${ALPHABET[(n >>> 6) & 63]!}=`;
  }
  return out;
}

/** Bytes of padded base64 text; XML whitespace is ignored. Undefined when the text is not
 * base64 (bad character, bad length, padding in the middle, non-zero pad bits). */
export function fromBase64(text: string): Uint8Array | undefined {
  const s = text.replace(/[ \t\r\n]+/g, "");
  if (s.length % 4 !== 0) return undefined;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = s.charCodeAt(i + k);
      if (last && c === 61 && k >= 4 - pad) {
        n <<= 6;
        continue;
      }
      const v = c < 128 ? DECODE[c]! : -1;
      if (v < 0) return undefined;
      n = (n << 6) | v;
    }
    out[o++] = n >>> 16;
    if (o < out.length) out[o++] = (n >>> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
    if (last && pad > 0 && (n & (pad === 2 ? 0xffff : 0xff)) !== 0) return undefined;
  }
  return out;
}
