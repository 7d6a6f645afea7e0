/* The JID codec: every address xiot builds or reads (devices, their agents, the hub), and the
 * one preparation every JID that enters the hub goes through (docs/design.md §3 "JIDs").
 * References: RFC 7622 §3.1 (splitting at the first '/', then the '@' before it), §3.2
 * (domainpart: one trailing dot stripped, IDNA2008 U-labels via UTS #46 mapping, ≤ 1023 octets),
 * §3.3 (localpart: PRECIS UsernameCaseMapped, RFC 8265 §3.3, and never `"&'/:<>@`), §3.4
 * (resourcepart: PRECIS OpaqueString, RFC 8265 §4.2); RFC 8264 §9 (IdentifierClass and
 * FreeformClass categories); RFC 5893 (the Bidi rule, via UTS #46 CheckBidi for domains);
 * RFC 3454 App. B.1, C (stringprep, which Prosody 0.12 still applies: nodeprep, nameprep,
 * resourceprep, Unicode 3.2); docs/design.md §2 (device JID `<deviceId>@<domain>`, a running
 * agent uses the resource `agent`, the hub is `hub.<domain>`). */
import { toASCII, toUnicode } from "tr46";

export interface Jid {
  /** Prepared JID as given (full when it had a resource). */
  full: string;
  bare: string;
  local: string;
  domain: string;
  resource: string;
}

/** RFC 7622 §3.1: each part is at most 1023 octets of UTF-8. */
export const MAX_PART_OCTETS = 1023;

/** Prepares a JID (RFC 7622 §3); undefined when it does not prepare. */
export function normalizeJid(input: string | undefined): Jid | undefined {
  // Three parts of 1023 octets and two separators; anything longer cannot prepare.
  if (input === undefined || input === "" || input.length > 3 * MAX_PART_OCTETS + 2) return undefined;
  const parts = splitJid(input);
  if (!parts) return undefined;
  const domain = prepareDomainpart(parts.domain);
  const local = parts.local === undefined ? "" : prepareLocalpart(parts.local);
  const resource = parts.resource === undefined ? "" : prepareResourcepart(parts.resource);
  if (domain === undefined || local === undefined || resource === undefined) return undefined;
  const bare = local ? `${local}@${domain}` : domain;
  return { full: resource ? `${bare}/${resource}` : bare, bare, local, domain, resource };
}

/** RFC 7622 §3.1: the resource starts at the first '/'; the localpart ends at the '@' before it. */
function splitJid(input: string): { local?: string; domain: string; resource?: string } | undefined {
  const slash = input.indexOf("/");
  const bare = slash < 0 ? input : input.slice(0, slash);
  const resource = slash < 0 ? undefined : input.slice(slash + 1);
  const at = bare.indexOf("@");
  const local = at < 0 ? undefined : bare.slice(0, at);
  const domain = at < 0 ? bare : bare.slice(at + 1);
  if (local === "" || resource === "" || domain.includes("@")) return undefined;
  return { local, domain, resource };
}

// TextEncoder, not Buffer: the dashboard bundles this file for the browser.
const utf8 = new TextEncoder();
const octets = (s: string): number => utf8.encode(s).length;
const codePoints = (s: string): string[] => Array.from(s);

const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());

/** RFC 8265 §3.3.2 step 1: fullwidth and halfwidth forms map to their decompositions. */
const WIDTH = /[\uFF01-\uFFEE]/gu;
const widthMap = (s: string): string => s.replace(WIDTH, (c) => c.normalize("NFKC"));

/** Code points no JID part may hold: controls, format characters (bidi controls and overrides,
 * zero-width characters), surrogates, private use, unassigned, line and paragraph separators, and
 * every default-ignorable code point (RFC 8264 §9.7–§9.8, §9.11, §9.13, §9.14). Old Hangul Jamo
 * (RFC 5892 §2.9) and stringprep's map-to-nothing and prohibited characters (RFC 3454 B.1, C.2.2,
 * C.6, C.7) are refused too, so that nothing the hub accepts is read otherwise by the server. */
const NEVER =
  /[\p{C}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\u1806\uFFF9-\uFFFD\u2FF0-\u2FFB]/u;

/** RFC 7622 §3.3.1: in a localpart besides IdentifierClass' own refusals. */
const LOCAL_FORBIDDEN = /["&'/:<>@]/;
/** RFC 8264 §9.1 LetterDigits plus §9.11 ASCII7 (printable ASCII): IdentifierClass' PVALID. */
const IDENTIFIER = /^[\p{Ll}\p{Lu}\p{Lo}\p{Nd}\p{Lm}\p{Mn}\p{Mc}\x21-\x7E]$/u;

/** A character the server's stringprep (Unicode 3.2, B.2 case folding, NFKC) leaves as the hub
 * does: already lower case, stable under case folding, without a compatibility decomposition.
 * Upper-case and folding-unstable letters beyond ASCII (É, ß, ς, ı, letters newer than Unicode 3.2)
 * are where PRECIS and stringprep disagree; they are refused rather than guessed. */
const stableBeyondAscii = (c: string): boolean =>
  c <= "\x7F" || (c.toLowerCase() === c && c.toUpperCase().toLowerCase() === c && c.normalize("NFKC") === c);

/** Right-to-left scripts' blocks (Hebrew to Arabic Extended, their presentation forms, and the
 * historic RTL planes' ranges). */
const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

/** The Bidi rule, conservatively (RFC 8265 §3.3.3 rule 6, RFC 5893 §2; RFC 3454 §6, which
 * Prosody applies): a part with right-to-left characters holds nothing else and starts and ends
 * with a right-to-left letter. */
function bidiOk(s: string): boolean {
  if (!RTL.test(s)) return true;
  const cps = codePoints(s);
  const letter = (c: string | undefined) => c !== undefined && RTL.test(c) && /\p{L}/u.test(c);
  return cps.every((c) => RTL.test(c)) && letter(cps[0]) && letter(cps.at(-1));
}

/** RFC 7622 §3.3, RFC 8265 §3.3 UsernameCaseMapped. */
export function prepareLocalpart(input: string): string | undefined {
  const mapped = widthMap(input);
  if (!codePoints(mapped).every(stableBeyondAscii)) return undefined;
  const prepared = mapped.toLowerCase().normalize("NFC");
  if (prepared === "" || octets(prepared) > MAX_PART_OCTETS) return undefined;
  if (NEVER.test(prepared) || LOCAL_FORBIDDEN.test(prepared)) return undefined;
  // RFC 8264 §9.17: IdentifierClass refuses compatibility characters (width was mapped above).
  if (prepared.normalize("NFKC") !== prepared) return undefined;
  return codePoints(prepared).every((c) => IDENTIFIER.test(c)) && bidiOk(prepared) ? prepared : undefined;
}

/** RFC 8264 §9.14 Spaces: what OpaqueString maps to U+0020 (RFC 8265 §4.2.2 step 1). Only the
 * spaces stringprep's NFKC also maps to U+0020 are taken; the others are refused. */
const mapSpace = (c: string): string | undefined =>
  /\p{Zs}/u.test(c) ? (c.normalize("NFKC") === " " ? " " : undefined) : c;

/** RFC 7622 §3.4, RFC 8265 §4.2 OpaqueString (FreeformClass, no case mapping). */
export function prepareResourcepart(input: string): string | undefined {
  const spaced = codePoints(input).map(mapSpace);
  // Prosody's resourceprep applies NFKC with Unicode 3.2 data: a character that NFC or NFKC
  // would replace (compatibility characters, singletons) names another resource there.
  if (!spaced.every((c) => c !== undefined && c.normalize("NFKC") === c)) return undefined;
  const prepared = spaced.join("").normalize("NFC");
  if (prepared === "" || octets(prepared) > MAX_PART_OCTETS || NEVER.test(prepared)) return undefined;
  return prepared.normalize("NFKC") === prepared && bidiOk(prepared) ? prepared : undefined;
}

/** RFC 3986 §3.2.2 IP-literal (RFC 7622 §3.2: a domainpart may be an IP address). */
const IP_LITERAL = /^\[[0-9a-f:.]+\]$/;

/** The IPv6 literal in the one spelling the URL parser gives it (Prosody compares it as text). */
function canonicalIpLiteral(literal: string): string | undefined {
  try {
    return new URL(`http://${literal}/`).hostname === literal ? literal : undefined;
  } catch {
    return undefined;
  }
}

/** UTS #46 non-transitional processing, STD3 (LDH) rules, the Bidi rule (RFC 5893) and
 * CONTEXTJ (RFC 5892 App. A.1, A.2); tr46 is the WHATWG URL reference implementation. */
const UTS46 = {
  checkHyphens: true,
  checkBidi: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  transitionalProcessing: false,
} as const;

/** RFC 7622 §3.2: the domainpart as lower-case U-labels, or an IP literal. */
export function prepareDomainpart(input: string): string | undefined {
  // RFC 7622 §3.2: a trailing dot is stripped (once; "." alone and "a.." do not prepare).
  const given = asciiLower(input.endsWith(".") ? input.slice(0, -1) : input);
  if (given === "" || octets(given) > MAX_PART_OCTETS) return undefined;
  if (given.startsWith("[")) return IP_LITERAL.test(given) ? canonicalIpLiteral(given) : undefined;
  const mapped = widthMap(given);
  if (NEVER.test(mapped) || !codePoints(mapped).every(stableBeyondAscii)) return undefined;
  const { domain, error } = toUnicode(mapped, UTS46);
  if (error || octets(domain) > MAX_PART_OCTETS) return undefined;
  // Prosody's nameprep keeps ZWJ/ZWNJ out and folds ß and ς: a decoded A-label must be stable.
  if (/[\u200C\u200D]/u.test(domain) || !codePoints(domain).every(stableBeyondAscii)) return undefined;
  // RFC 5890 §2.3.2.1: every label is 1–63 octets in its A-label form.
  const ascii = toASCII(domain, UTS46);
  if (ascii === null || ascii.split(".").some((l) => l.length === 0 || l.length > 63)) return undefined;
  return domain;
}

export const bareOf = (jid: string): string => {
  const slash = jid.indexOf("/");
  return slash < 0 ? jid : jid.slice(0, slash);
};

/** docs/design.md §2: the resource a running agent binds. */
export const AGENT_RESOURCE = "agent";

/** The device's account: `<deviceId>@<domain>`. */
export const deviceJid = (deviceId: string, domain: string): string => `${deviceId}@${domain}`;

/** The running agent of a device: `<deviceId>@<domain>/agent`. */
export const agentJid = (deviceId: string, domain: string): string =>
  `${deviceJid(deviceId, domain)}/${AGENT_RESOURCE}`;

/** The hub's component address for a users' domain: `hub.<domain>`. */
export const hubJid = (domain: string): string => `hub.${domain}`;
