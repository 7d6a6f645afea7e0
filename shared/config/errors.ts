/* Configuration errors that name the key, and schema key lookup for case-insensitive sources. */
import { z } from "zod";
import { type Sources, sourceOf } from "./sources";
import { describeIssue, withValue } from "./wording";

export class ConfigError extends Error {
  /** Unknown keys seen while loading, in words (load.ts): shown beside the error. */
  warnings: string[] = [];
  /** `where`: how the user gave the key (`--xmpp.service`, `XIOT_LOG__LEVEL`, `"a.b" in x.json`);
   * without it the message names the schema's key. */
  constructor(
    readonly key: string,
    readonly problem: string,
    where?: string,
  ) {
    super(
      where
        ? `${where}: ${problem}`
        : key
          ? `configuration key "${key}": ${problem}`
          : `configuration: ${problem}`,
    );
    this.name = "ConfigError";
  }
}

/** One zod issue as the user can act on it: `--agent.intervalMs: expected a number, got "abc"`. */
export function formatIssue(issue: z.core.$ZodIssue, merged: unknown, sources?: Sources): ConfigError {
  const path = issue.path.map(String);
  const got = valueAt(merged, issue.path);
  const problem = withValue(describeIssue(issue, got), got);
  const where = sources && sourceOf(sources, path)?.spelt;
  return new ConfigError(path.join("."), problem, where);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

export interface KeyLookup {
  (parentPath: string, key: string): string;
  has(path: string): boolean;
  isObject(path: string): boolean;
  /** The schema's keys directly below `parentPath` ("" for the top). */
  children(parentPath: string): string[];
}

/** Maps keys case-insensitively onto the schema's spelling (XIOT_XMPP__ALLOWPLAINTEXT → allowPlaintext). */
export function keyLookup(schema: z.ZodType): KeyLookup {
  const paths = new Map<string, boolean>();
  collect(schema, "", paths);
  const byLower = new Map([...paths.keys()].map((path) => [path.toLowerCase(), path]));
  const lookup = ((parentPath: string, key: string) => {
    const full = parentPath ? `${parentPath}.${key}` : key;
    const known = byLower.get(full.toLowerCase());
    return known === undefined ? key.toLowerCase() : (known.split(".").pop() as string);
  }) as KeyLookup;
  lookup.has = (path) => paths.has(path);
  lookup.isObject = (path) => paths.get(path) === true;
  lookup.children = (parent) =>
    [...paths.keys()]
      .filter((path) => (parent ? path.startsWith(`${parent}.`) : true))
      .map((path) => (parent ? path.slice(parent.length + 1) : path))
      .filter((rest) => !rest.includes("."));
  return lookup;
}

function collect(schema: z.ZodType, prefix: string, out: Map<string, boolean>): void {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return;
  for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const isObject = unwrap(child) instanceof z.ZodObject;
    out.set(path, isObject);
    collect(child, path, out);
  }
}

/** Looks through optional/default/prefault/nullable wrappers and pipes to the inner schema. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    const inner = def.innerType ?? def.in;
    if (inner === undefined) return current;
    current = inner;
  }
}
