/* References: W3C Note "EXI for JSON", key-name escaping: a key equal to a global element name
 * gets the prefix "_."; "_" itself and every character that may not appear at its place in an
 * XML name (XML 1.0 4th edition, Appendix B; NCName, so ':' too) becomes "_<code point>.". */
import { Exi4JsonError } from "./errors";
import { RESERVED_KEYS } from "./schema";
import { isNameChar, isNameStartChar } from "./xml-name-chars";

const UNDERSCORE = 0x5f;

/** Escaped local name for a JSON key. */
export function escapeKey(key: string): string {
  if (RESERVED_KEYS.has(key)) return `_.${key}`;
  if (!needsEscape(key)) return key;
  let out = "";
  let first = true;
  for (const ch of key) {
    const cp = ch.codePointAt(0)!;
    const ok = cp !== UNDERSCORE && (first ? isNameStartChar(cp) : isNameChar(cp));
    out += ok ? ch : `_${cp}.`;
    first = false;
  }
  return out;
}

function needsEscape(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === UNDERSCORE) return true;
    if (c >= 0xd800 && c < 0xe000) return true; // surrogates: decide per code point
    if (i === 0 ? !isNameStartChar(c) : !isNameChar(c)) return true;
  }
  return false;
}

/** JSON key for an escaped local name; malformed escapes are an `invalid-key` error. */
export function unescapeKey(name: string): string {
  if (name.startsWith("_.")) return name.slice(2);
  if (!name.includes("_")) return name;
  let out = "";
  let i = 0;
  while (i < name.length) {
    const u = name.indexOf("_", i);
    if (u < 0) {
      out += name.slice(i);
      break;
    }
    out += name.slice(i, u);
    const dot = name.indexOf(".", u + 1);
    const digits = dot < 0 ? "" : name.slice(u + 1, dot);
    if (digits.length === 0 || digits.length > 7 || !/^[0-9]+$/.test(digits)) {
      throw new Exi4JsonError("invalid-key", `malformed escape in key name ${JSON.stringify(name)}`);
    }
    const cp = Number(digits);
    if (cp > 0x10ffff) throw new Exi4JsonError("invalid-key", `escaped code point ${cp} beyond U+10FFFF`);
    out += String.fromCodePoint(cp);
    i = dot + 1;
  }
  return out;
}
