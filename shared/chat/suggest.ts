/* "Did you mean": for text that is no command, the command one small typing slip away.
 * References: docs/design.md §3 (chat commands are plain text for people, one short reply each).
 *
 * Each of the first words is tried against the vocabulary of the grammar (its command words and
 * on/off), within an edit distance that grows with the word (1 up to 4 letters, else 2; a swap of
 * two neighbouring letters counts as one). The first respelling that the table parses as a
 * command is the suggestion; it is only ever proposed, never run. */
import { type Parsed, parseWords, type Shape, tokenize } from "./grammar";
import { OFF, ON, WORDS } from "./words";

/** The words a slip is corrected to: every command and filler word, and on/off. */
export const VOCABULARY: readonly string[] = [...new Set([...Object.values(WORDS), ON, OFF])].filter(
  (w) => w.length > 1,
);

/** Words looked at for a slip: the command word comes first, or after a device id. */
const FIRST_WORDS = 3;

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...Array.from({ length: b.length }, (_, j) => j + 1)]);
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const up = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

const allowed = (word: string): number => (word.length <= 4 ? 1 : 2);

/** Vocabulary words near `word`, nearest first; none when `word` is itself a vocabulary word. */
function near(word: string, vocabulary: readonly string[]): string[] {
  const w = word.toLowerCase();
  if (vocabulary.includes(w)) return [];
  return (
    vocabulary
      .map((v) => ({ v, d: editDistance(w, v) }))
      .filter(({ d }) => d > 0 && d <= allowed(w))
      // A tie goes to the word that begins as typed: `of` is `off` sooner than `on`.
      .sort((x, y) => x.d - y.d || Number(!x.v.startsWith(w)) - Number(!y.v.startsWith(w)))
      .map(({ v }) => v)
  );
}

/** The command text one slip away from `text` that `table` understands, or undefined. */
export function suggest<C>(
  table: readonly Shape<C>[],
  text: string,
  vocabulary: readonly string[] = VOCABULARY,
): string | undefined {
  const words = tokenize(text);
  for (let i = 0; i < Math.min(FIRST_WORDS, words.length); i++) {
    for (const candidate of near(words[i] as string, vocabulary)) {
      const respelt = [...words.slice(0, i), candidate, ...words.slice(i + 1)];
      const parsed = parseWords(table, respelt) as Parsed<C> | undefined;
      const kind = (parsed as { kind?: unknown } | undefined)?.kind;
      if (parsed !== undefined && kind !== "usage" && kind !== "unknown") return respelt.join(" ");
    }
  }
  return undefined;
}
