/* Where each configuration key came from, spelt as the user wrote it: the flag as typed
 * (`--agent.interval-ms`), the XIOT_ variable, or the key in the --config file; so that an error
 * or a warning points at what to fix. Layers are looked at in nconf's order: flags, variables,
 * file. */
import { basename } from "node:path";

export interface Sources {
  flags: Map<string, string>;
  env: Map<string, string>;
  file: { name: string; content: Record<string, unknown> } | undefined;
}

export type Layer = "flag" | "env" | "file";

/** yargs' camel-case expansion of one dotted segment: `interval-ms` → `intervalMs`. */
const camel = (segment: string) => segment.replace(/-+([^-])/g, (_, c: string) => c.toUpperCase());

/** Schema path (`channels.t.intervalMs`) → the flag as typed (`--channels.t.interval-ms`). */
export function flagSpellings(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of argv) {
    if (!arg.startsWith("--") || arg === "--") continue;
    const typed = arg.slice(2).split("=")[0] as string;
    const name = typed.startsWith("no-") ? typed.slice(3) : typed;
    out.set(name.split(".").map(camel).join("."), `--${typed}`);
  }
  return out;
}

/** The layer that gave `path` (or its longest given prefix) and how the user spelt it there. */
export function sourceOf(
  sources: Sources,
  path: readonly string[],
): { layer: Layer; spelt: string } | undefined {
  for (let n = path.length; n > 0; n--) {
    const key = path.slice(0, n).join(".");
    const flag = sources.flags.get(key);
    if (flag !== undefined) return { layer: "flag", spelt: flag };
    const variable = sources.env.get(key);
    if (variable !== undefined) return { layer: "env", spelt: variable };
    if (sources.file && has(sources.file.content, path.slice(0, n))) {
      return { layer: "file", spelt: `"${key}" in ${sources.file.name}` };
    }
  }
  return undefined;
}

/** How a key is written in a layer: for a suggestion (`did you mean --xmpp.password?`). */
export function spell(layer: Layer, path: readonly string[]): string {
  if (layer === "flag") return `--${path.join(".")}`;
  if (layer === "env") return `XIOT_${path.map((p) => p.toUpperCase()).join("__")}`;
  return `"${path.join(".")}"`;
}

export function fileSource(path: string, content: Record<string, unknown>): Sources["file"] {
  return { name: basename(path), content };
}

function has(root: unknown, path: readonly string[]): boolean {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}
