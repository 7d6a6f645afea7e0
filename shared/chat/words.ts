/* References: docs/design.md §3 (chat commands: `<channel> on|off`, `set <channel> <value>`),
 * XEP-0325 §3.1 (boolean, numeric and string parameters), docs/protocol.md (on/off/true/false/yes/no).
 *
 * The one vocabulary of the chat commands, for the hub and the device alike: the words that mean
 * true and false, how a typed number looks, and the filler words the grammar lets people leave out.
 * Every word is matched without regard to case. */

/** The command words of both grammars (device and hub), and the filler words they accept. */
export const WORDS = Object.freeze({
  help: "help",
  status: "status",
  set: "set",
  restart: "restart",
  reload: "reload",
  config: "config",
  devices: "devices",
  history: "history",
  claim: "claim",
  share: "share",
  unshare: "unshare",
  disown: "disown",
  with: "with",
  from: "from",
  /** Ends a time range: `from <when> to <when>`. */
  to: "to",
  /** Ends a read: `relay?` or `relay ?`. */
  query: "?",
});

/** The access levels `share` grants. */
export const LEVELS = ["read", "control"] as const;
export type Level = (typeof LEVELS)[number];

/** The words for a boolean, each to its value. The first of each is the one replies use. */
export const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = Object.freeze({
  on: true,
  off: false,
  true: true,
  false: false,
  yes: true,
  no: false,
  "1": true,
  "0": false,
});

/** How replies and usage lines write a boolean. */
export const ON = "on";
export const OFF = "off";

/** A decimal number as people type it: `21`, `-2.5`, `.5`, `1e3`. No hex, no `Infinity`. */
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** The boolean a word names, or undefined. */
export function parseBoolean(word: string): boolean | undefined {
  const w = word.trim().toLowerCase();
  return Object.hasOwn(BOOLEAN_WORDS, w) ? BOOLEAN_WORDS[w] : undefined;
}

/** The finite number a word spells, or undefined. */
export function parseNumber(word: string): number | undefined {
  const w = word.trim();
  if (!NUMBER_RE.test(w)) return undefined;
  const n = Number(w);
  return Number.isFinite(n) ? n : undefined;
}

/** A typed value when the channel's type is not known: a number first (`1` stays a number), then
 * a boolean word, else the text itself. */
export function parseValue(text: string): number | boolean | string {
  return parseNumber(text) ?? parseBoolean(text) ?? text.trim();
}

/** How a boolean is written back: on or off. */
export const booleanWord = (v: boolean): string => (v ? ON : OFF);
