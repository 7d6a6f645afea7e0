/* Configuration loading: nconf layers, highest first — command-line flags, then XIOT_
 * environment variables (`__` separates levels), then the JSON file named by --config, then
 * defaults — validated by a zod schema into a frozen, typed object. A bad value stops the
 * program with one line that names the key as the user gave it (the flag as typed, the variable,
 * the key in the file) and says what is expected; an unknown key is a warning that suggests the
 * nearest known one. */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import nconf from "nconf";
import yargs from "yargs";
import type { z } from "zod";
import { ConfigError, formatIssue, type KeyLookup, keyLookup } from "./errors";
import { fileSource, flagSpellings, type Sources, sourceOf, spell } from "./sources";
import { nearest } from "./wording";

export { ConfigError };

export interface LoadOptions<S extends z.ZodType> {
  schema: S;
  /** Command-line arguments after the subcommand (default: none). */
  argv?: readonly string[];
  /** Environment to read XIOT_ variables from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Flags that are not configuration keys (e.g. "config", "help"). */
  ignore?: readonly string[];
  /** Values below the file and above the schema's defaults (a command's own defaults). */
  defaults?: Record<string, unknown>;
}

export interface Loaded<T> {
  config: Readonly<T>;
  /** Flags or variables that matched no key of the schema (typos, usually). */
  unknown: string[];
  /** One warning per unknown key, as the user spelt it, with the nearest known key:
   * `unknown key "chanels" in agent.json; did you mean "channels"?`. */
  warnings: string[];
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
    setPath(out, envPath(name, lookup), parseScalar(raw));
  }
  return out;
}

function envPath(name: string, lookup: KeyLookup): string[] {
  const parts = name.slice(ENV_PREFIX.length).split("__");
  const path: string[] = [];
  for (const part of parts) path.push(lookup(path.join("."), part));
  return path;
}

/** Schema path → the XIOT_ variable that gave it. */
function envSpellings(env: NodeJS.ProcessEnv, lookup: KeyLookup): Map<string, string> {
  const names = Object.keys(env).filter((name) => name.startsWith(ENV_PREFIX) && env[name] !== undefined);
  return new Map(names.map((name) => [envPath(name, lookup).join("."), name]));
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
  const { schema, argv = [], env = process.env, ignore = [], defaults = {} } = options;
  const lookup = keyLookup(schema);
  const flags = parseFlags(argv);
  const provider = new nconf.Provider();
  provider.add("flags", { type: "literal", store: withoutKeys(flags, ["config", ...ignore]) });
  provider.add("env", { type: "literal", store: parseEnv(env, schema) });
  const file = typeof flags.config === "string" ? flags.config : env.XIOT_CONFIG;
  const content = file === undefined ? undefined : readConfigFile(resolve(file));
  if (content !== undefined) provider.add("file", { type: "literal", store: content });
  provider.add("defaults", { type: "literal", store: defaults });
  const sources: Sources = {
    flags: withoutPaths(flagSpellings(argv), ["config", ...ignore]),
    env: envSpellings(env, lookup),
    file: file === undefined || content === undefined ? undefined : fileSource(file, content),
  };
  const merged = provider.get() as Record<string, unknown>;
  const unknown = unknownKeys(merged, lookup);
  const warnings = unknown.map((path) => unknownKeyWarning(path.split("."), lookup, sources));
  const result = schema.safeParse(merged ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const error =
      issue === undefined
        ? new ConfigError("", "invalid configuration")
        : formatIssue(issue, merged, sources);
    // A misspelt key is often why a required one is missing: the caller shows these too.
    error.warnings = warnings;
    throw error;
  }
  return { config: deepFreeze(result.data), unknown, warnings };
}

/** The --config file's keys; a missing file or one that is not a JSON object names --config. */
function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new ConfigError("config", `file not found: ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError("config", `${path} is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError("config", `${path} must hold one JSON object of keys`);
  }
  return parsed as Record<string, unknown>;
}

/** `unknown flag --xmpp.pasword; did you mean --xmpp.password?`, and the same for a variable
 * or a key in the file. */
function unknownKeyWarning(path: string[], lookup: KeyLookup, sources: Sources): string {
  const source = sourceOf(sources, path);
  const parent = path.slice(0, -1);
  const guess = nearest(path[path.length - 1] as string, lookup.children(parent.join(".")));
  const layer = source?.layer ?? "file";
  const what =
    layer === "flag"
      ? `unknown flag ${source?.spelt}`
      : layer === "env"
        ? `unknown variable ${source?.spelt}`
        : `unknown key "${path.join(".")}"${sources.file ? ` in ${sources.file.name}` : ""}`;
  return guess === undefined
    ? `${what} (ignored)`
    : `${what}; did you mean ${spell(layer, [...parent, guess])}?`;
}

function withoutKeys(flags: Record<string, unknown>, drop: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(flags).filter(([key]) => !drop.includes(key)));
}

function withoutPaths(spellings: Map<string, string>, drop: readonly string[]): Map<string, string> {
  return new Map([...spellings].filter(([path]) => !drop.includes(path)));
}

function unknownKeys(merged: Record<string, unknown>, lookup: KeyLookup, prefix = ""): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(merged ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!lookup.has(path)) {
      if (!key.includes("-")) found.push(path);
      continue;
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value) && lookup.isObject(path)) {
      found.push(...unknownKeys(value as Record<string, unknown>, lookup, path));
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
