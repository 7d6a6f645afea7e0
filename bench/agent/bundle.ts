/* Bundles bench/agent/entry.ts with esbuild into node_modules/.cache (so that the native modules
 * left external still resolve from the project's node_modules). */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function bundleAgent(): Promise<string> {
  const dir = join(ROOT, "node_modules/.cache/xiot-bench-agent");
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, "agent.mjs");
  await build({
    entryPoints: [join(ROOT, "bench/agent/entry.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outfile,
    // Native bindings stay outside the bundle; the createRequire banner lets CommonJS deps require.
    external: ["serialport", "@serialport/*", "onoff", "better-sqlite3"],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  return outfile;
}
