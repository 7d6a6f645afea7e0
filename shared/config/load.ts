/* Configuration loading: nconf layers, highest first — command-line flags, then XIOT_
 * environment variables (`__` separates levels), then the JSON file named by --config, then
 * defaults — validated by a zod schema into a frozen, typed object. A bad value stops the
 * program with one line that names the key and says what is expected. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import nconf from "nconf";
import yargs from "yargs";
import type { z } from "zod";
import { ConfigError, formatIssue, keyLookup } from "./errors";

export { ConfigError };

export interface LoadOptions<S extends z.ZodType> {
  schema: S;
  /** Command-line arguments after the subcommand (default: none). */
  argv?: readonly string[];
  /** Environment to read XIOT_ variables from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Flags that are not configuration keys (e.g. "config", "help"). */
  ignore?: readonly string[];
}

export interface Loaded<T> {
  config: Readonly<T>;
  /** Flags or variables that matched no key of the schema (typos, usually). */
  unknown: string[];
}

const ENV_PREFIX = "XIOT_";

/** Parses flags with yargs' dot notation (`--xmpp.service x` → `{ xmpp: { service: "x" } }`). */
export function parseFlags(argv: readonly string[]): Record<string, unknown> {
  const parsed = yargs([...argv])
    .help(false)
    .version(false)
    .parserConfiguration({ "camel-case-expansion": true, "strip-dashed": true })
    .parse() as Record<string, unknown>;
  const { _: _positional, $0: _script, ...flags } = parsed;
  return flags;
}

/** Reads XIOT_A__B=1 as { a: { b: 1 } }, matching key case to the schema's keys. */
export function parseEnv(env: NodeJS.ProcessEnv, schema: z.ZodType): Record<string, unknown> {
  const lookup = keyLookup(schema);
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split("__")
      .map((part, i, parts) => lookup(parts.slice(0, i).join("."), part));
    setPath(out, path, parseScalar(raw));
  }
  return out;
}

function parseScalar(raw: string): unknown {
  if (raw === "true") return true;
  if (raw === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(raw) && raw.length < 16) return Number(raw);
  if (/^[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      // Not JSON after all: keep the text; the schema says whether text is acceptable.
    }
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = next !== null && typeof next === "object" ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

export function loadConfig<S extends z.ZodType>(options: LoadOptions<S>): Loaded<z.infer<S>> {
  const { schema, argv = [], env = process.env, ignore = [] } = options;
  const flags = parseFlags(argv);
  const provider = new nconf.Provider();
  provider.add("flags", { type: "literal", store: withoutKeys(flags, ["config", ...ignore]) });
  provider.add("env", { type: "literal", store: parseEnv(env, schema) });
  const file = typeof flags.config === "string" ? flags.config : env.XIOT_CONFIG;
  if (file !== undefined) {
    const path = resolve(file);
    if (!existsSync(path)) throw new ConfigError("config", `file not found: ${path}`);
    try {
      provider.file("file", { file: path });
    } catch (error) {
      throw new ConfigError("config", `${path} is not valid JSON (${(error as Error).message})`);
    }
  }
  const merged = provider.get() as Record<string, unknown>;
  const result = schema.safeParse(merged ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue === undefined) throw new ConfigError("", "invalid configuration");
    throw formatIssue(issue, merged);
  }
  return { config: deepFreeze(result.data), unknown: unknownKeys(merged, schema) };
}

function withoutKeys(flags: Record<string, unknown>, drop: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(flags).filter(([key]) => !drop.includes(key)));
}

function unknownKeys(merged: Record<string, unknown>, schema: z.ZodType, prefix = ""): string[] {
  const lookup = keyLookup(schema);
  const found: string[] = [];
  for (const [key, value] of Object.entries(merged ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!lookup.has(path)) {
      if (!key.includes("-")) found.push(path);
      continue;
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value) && lookup.isObject(path)) {
      found.push(...unknownKeys(value as Record<string, unknown>, schema, path));
    }
  }
  return found;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
