/* Configuration problems in people's words: a zod issue as "expected a number, got "abc"", and the
 * nearest known key for a misspelt one ("did you mean "channels"?"). */
import type { z } from "zod";

const EXPECTED: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "text",
  boolean: "true or false",
  object: "an object of keys",
  array: "a list",
  record: "an object of keys",
};

/** Zod's own English messages ("Invalid input: …", "Too small: …"); a schema's own message is
 * written for people already and is kept as it is. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized)\b/;

/** What is wrong, without the value (`got` adds it). */
export function describeIssue(issue: z.core.$ZodIssue, got: unknown): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return got === undefined ? "required" : `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
    case "too_small":
      return bound("at least", "more than", issue.minimum, issue.inclusive, issue.origin);
    case "too_big":
      return bound("at most", "less than", issue.maximum, issue.inclusive, issue.origin);
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    default:
      return issue.message.replace(/^Invalid input: /, "");
  }
}

function bound(
  inclusiveWord: string,
  exclusiveWord: string,
  limit: number | bigint,
  inclusive: boolean | undefined,
  origin: string,
): string {
  const word = inclusive === false ? exclusiveWord : inclusiveWord;
  if (origin === "string")
    return Number(limit) === 1 && word === "at least"
      ? "must not be empty"
      : `must be ${word} ${limit} characters`;
  if (origin === "array" || origin === "set") return `must have ${word} ${limit} entries`;
  return `must be ${word} ${limit}`;
}

/** `problem, got <value>`, the value as JSON (strings quoted), cut when long. */
export function withValue(problem: string, got: unknown): string {
  if (got === undefined) return problem;
  const shown = JSON.stringify(got) ?? String(got);
  return `${problem}, got ${shown.length > 64 ? `${shown.slice(0, 61)}...` : shown}`;
}

/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive:
 * `chanels` → `channels` and `lgo` → `log` are one edit each. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows: number[][] = [Array.from({ length: y.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      const above = rows[i - 1] as number[];
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[x.length] as number[])[y.length] as number;
}

/** The known name nearest to `typed`, if it is near enough to be a slip (a third of its length,
 * at least one edit); undefined otherwise. */
export function nearest(typed: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typed, name);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
