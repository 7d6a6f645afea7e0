/* References: docs/design.md §3 (chat commands, one reply each), docs/design.md §2 (device ids and
 * channel names, shared/model.ts).
 *
 * The chat grammar engine: a table of command shapes, each a list of parts, matched against the
 * words of a message. A part is a command word (`set`), a filler word that may be left out (`with`),
 * or a slot that reads one word, or all the remaining words, into a named argument. New commands are
 * new entries in a table (device-grammar.ts, hub/chat/parse.ts), never new branches here.
 *
 * Matching: shapes that start with the message's command words win over shapes that start with a
 * value (a channel or a device id), so a device named `status` is only ever `status`'s argument. The
 * first shape that fits builds the command. Otherwise the best failure is answered: a bad value (a
 * word that is not a channel) before a wrong number of words, and either only for a shape that
 * was recognised, by its command words or by the words that shape it (`?`, `on`); anything else
 * is not understood. */
import { normalizeJid } from "../jid";
import { CHANNEL_RE, DEVICE_ID_RE } from "../model";
import { parseBoolean } from "./words";

/** What a slot made of its words; no `problem` means the words do not fit this shape at all. */
export type Read<T> = { ok: true; value: T } | { ok: false; problem?: string };
export type Reader<T> = (words: readonly string[]) => Read<T>;

/** A known command with the wrong arguments: answered with the problem and how to write it. */
export interface Usage {
  kind: "usage";
  command: string;
  usage: string;
  problem: string;
}
/** Not a command at all. `text` is what was sent, trimmed and shortened for the reply. */
export interface Unknown {
  kind: "unknown";
  text: string;
}
export type Parsed<C> = C | Usage | Unknown;

type Slot<A> = { [K in keyof A]: { name: K; read: Reader<A[K]>; rest?: boolean } }[keyof A];
export type Part<A> = string | { optional: string } | Slot<A>;

/** One line of help: how to write a command and what it does. */
export interface HelpLine {
  usage: string;
  help: string;
}

export type Outcome<C> =
  | { fit: "yes"; command: C }
  | { fit: "no" }
  | { fit: "arity" | "value"; command: string; problem: string; usage?: string };

export interface Shape<C> {
  readonly command: string;
  /** How to write it, for usage replies (`set <channel> <value>`). */
  readonly usage: string;
  /** The command words it starts with; empty when it starts with a value. */
  readonly lead: readonly string[];
  /** Its lines in the help text (none for an alternative spelling). */
  readonly lines: readonly HelpLine[];
  match(words: readonly string[]): Outcome<C>;
}

export interface ShapeDef<C, A> {
  command: string;
  usage: string;
  /** What it does, for the help text; leave out for a shape that only respells another. */
  help?: string;
  words: readonly Part<A>[];
  /** The problem named when there are too few or too many words. */
  arity?: string;
  build(args: A): C;
}

const ECHO_MAX = 64;

export const tokenize = (text: string): string[] => text.trim().split(/\s+/).filter(Boolean);

const lower = (w: string | undefined) => w?.toLowerCase();

/** A shape from its parts; see the file comment for how it matches. */
export function shape<C, A = Record<never, never>>(def: ShapeDef<C, A>): Shape<C> {
  const lead: string[] = [];
  for (const p of def.words) {
    if (typeof p !== "string") break;
    lead.push(p);
  }
  const arity = def.arity ?? "the words do not fit";
  const match = (words: readonly string[]): Outcome<C> => {
    const r = readParts(def.words, words);
    if (r.arity || (r.noFit && lead.length > 0))
      return lead.length > 0 ? { fit: "arity", command: def.command, problem: arity } : { fit: "no" };
    if (r.noFit) return { fit: "no" };
    if (r.problem !== undefined) return { fit: "value", command: def.command, problem: r.problem };
    return { fit: "yes", command: def.build(r.args as A) };
  };
  const lines = def.help === undefined ? [] : [{ usage: def.usage, help: def.help }];
  return { command: def.command, usage: def.usage, lead, lines, match };
}

interface PartsRead {
  args: Record<string, unknown>;
  arity: boolean;
  noFit: boolean;
  problem?: string;
}

function readParts<A>(parts: readonly Part<A>[], words: readonly string[]): PartsRead {
  const out: PartsRead = { args: {}, arity: false, noFit: false };
  let i = 0;
  for (const part of parts) {
    if (typeof part === "string") {
      if (i >= words.length) out.arity = true;
      else if (lower(words[i]) !== part) out.noFit = true;
      i++;
    } else if ("optional" in part) {
      if (lower(words[i]) === part.optional) i++;
    } else {
      const count = part.rest ? Math.max(1, words.length - i) : 1;
      if (i + count > words.length) {
        out.arity = true;
        break;
      }
      const r = part.read(words.slice(i, i + count));
      i += count;
      if (r.ok) out.args[String(part.name)] = r.value;
      else if (r.problem === undefined) out.noFit = true;
      else out.problem ??= r.problem;
    }
  }
  if (i < words.length) out.arity = true;
  return out;
}

/** A shape that reads its first word with `head` and hands the rest to another table, as the
 * hub does with `<device> <device command>`. Its usage and help lines are the other table's,
 * written after `prefix`. */
export function delegate<C, D, V>(def: {
  command: string;
  prefix: string;
  head: Reader<V>;
  table: readonly Shape<D>[];
  wrap(head: V, command: D): C;
}): Shape<C> {
  const lines = helpLines(def.table).map((l) => ({ usage: `${def.prefix} ${l.usage}`, help: l.help }));
  const match = (words: readonly string[]): Outcome<C> => {
    const head = words.length > 1 ? def.head(words.slice(0, 1)) : undefined;
    if (!head?.ok) return { fit: "no" };
    const sub = parseWords(def.table, words.slice(1));
    if (sub === undefined) return { fit: "no" };
    if (isUsage(sub)) return { fit: "value", ...sub, usage: `${def.prefix} ${sub.usage}` };
    return { fit: "yes", command: def.wrap(head.value, sub as D) };
  };
  return { command: def.command, usage: `${def.prefix} …`, lead: [], lines, match };
}

const isUsage = (p: unknown): p is Usage => (p as { kind?: unknown }).kind === "usage";

/** The command the words make, a usage problem, or undefined when they make none. */
export function parseWords<C>(table: readonly Shape<C>[], words: readonly string[]): C | Usage | undefined {
  const byWords = table.filter((s) => s.lead.length > 0 && s.lead.every((w, i) => lower(words[i]) === w));
  const candidates = byWords.length > 0 ? byWords : table.filter((s) => s.lead.length === 0);
  let best: Extract<Outcome<C>, { problem: string }> | undefined;
  for (const s of candidates) {
    const o = s.match(words);
    if (o.fit === "yes") return o.command;
    if (o.fit !== "no" && (best === undefined || (best.fit === "arity" && o.fit === "value"))) best = o;
  }
  if (best === undefined) return undefined;
  const usage = best.usage ?? usageOf(table, best.command);
  return { kind: "usage", command: best.command, usage, problem: best.problem };
}

/** Parses one message body with a table. */
export function parse<C>(table: readonly Shape<C>[], text: string): Parsed<C> {
  return parseWords(table, tokenize(text)) ?? { kind: "unknown", text: text.trim().slice(0, ECHO_MAX) };
}

/** How to write a command: its listed shapes, `or` between them. */
export function usageOf<C>(table: readonly Shape<C>[], command: string): string {
  const shapes = table.filter((s) => s.command === command);
  const listed = shapes.filter((s) => s.lines.length > 0);
  return (listed.length > 0 ? listed : shapes).map((s) => s.usage).join("  or  ");
}

export const helpLines = <C>(table: readonly Shape<C>[]): HelpLine[] => table.flatMap((s) => s.lines);

// Slot readers: one word each unless said otherwise.

const one =
  <T>(read: (word: string) => Read<T>): Reader<T> =>
  (words) =>
    words.length === 1 ? read(words[0] as string) : { ok: false };

/** A device id, any case. */
export const deviceId: Reader<string> = one((w) => {
  const id = w.toLowerCase();
  return DEVICE_ID_RE.test(id)
    ? { ok: true, value: id }
    : { ok: false, problem: `"${w}" is not a device id` };
});

const channelName = (w: string): Read<string> => {
  const name = w.toLowerCase();
  return CHANNEL_RE.test(name)
    ? { ok: true, value: name }
    : { ok: false, problem: `"${w}" is not a channel` };
};

/** A channel name, any case. */
export const channel: Reader<string> = one(channelName);

/** `<channel>?` in one word; anything else does not fit. */
export const query: Reader<string> = one((w) =>
  w.length > 1 && w.endsWith("?") ? channelName(w.slice(0, -1)) : { ok: false },
);

/** A boolean word (words.ts); anything else does not fit. */
export const bool: Reader<boolean> = one<boolean>((w) => {
  const b = parseBoolean(w);
  return b === undefined ? { ok: false } : { ok: true, value: b };
});

/** A JID as typed, without the `xmpp:` that clients put in front of links, prepared as every JID
 * that enters the hub (shared/jid.ts, RFC 7622 §3): its bare form. */
export const jid: Reader<string> = one((w) => {
  const prepared = normalizeJid(w.replace(/^xmpp:/i, ""));
  return prepared
    ? { ok: true, value: prepared.bare }
    : { ok: false, problem: `${shown(w)} is not a valid JID (such as alice@example.org)` };
});

/** A word as a reply may quote it: printable ASCII as is, anything else escaped, at most 64
 * characters (a refused JID may hold bidi overrides and controls). */
const shown = (w: string): string => {
  const escaped = Array.from(w.slice(0, 64)).map((c) =>
    /^[\x20-\x7E]$/.test(c) ? c : `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`,
  );
  return `"${escaped.join("")}"`;
};

/** One of a few words, any case. */
export const oneOf = <T extends string>(words: readonly T[], problem: string): Reader<T> =>
  one((w) => {
    const found = words.find((x) => x === w.toLowerCase());
    return found === undefined ? { ok: false, problem } : { ok: true, value: found };
  });

/** All the remaining words, with single spaces between them (rest: true). */
export const text: Reader<string> = (words) => ({ ok: true, value: words.join(" ") });

/** All the remaining words run together, as a key typed in groups (rest: true). */
export const joined: Reader<string> = (words) => ({ ok: true, value: words.join("") });
