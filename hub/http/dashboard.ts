/* The dashboard's files, built in memory from dashboard/ with esbuild's JS API when the hub starts
 * (about a tenth of a second), so a fresh clone needs no build step and never serves a stale
 * bundle. Without esbuild (an install without dev dependencies) the dashboard is unavailable
 * and the rest of the HTTP listener still works.
 * References: esbuild JS API (build, write: false, browser platform). */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export interface StaticFile {
  body: Buffer;
  type: string;
}

export type DashboardFiles = Map<string, StaticFile>;

export const DASHBOARD_SOURCE = fileURLToPath(new URL("../../dashboard/", import.meta.url));

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
};

function typeOf(path: string): string {
  const dot = path.lastIndexOf(".");
  return TYPES[path.slice(dot)] ?? "application/octet-stream";
}

/** Node built-ins that browser builds of @xmpp/* still name (DNS SRV lookups): empty modules. */
const emptyNodeBuiltins = {
  name: "empty-node-builtins",
  setup(build: {
    onResolve(o: { filter: RegExp }, cb: (a: { path: string }) => { path: string; namespace: string }): void;
    onLoad(o: { filter: RegExp; namespace: string }, cb: () => { contents: string; loader: "js" }): void;
  }) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "empty" }));
    build.onLoad({ filter: /.*/, namespace: "empty" }, () => ({
      contents: "export default {}",
      loader: "js",
    }));
  },
};

/** Bundles dashboard/main.ts and dashboard/style.css; index.html is served as written. */
export async function buildDashboard(source = DASHBOARD_SOURCE): Promise<DashboardFiles> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: { app: `${source}main.ts`, style: `${source}style.css` },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    outdir: "/dashboard",
    write: false,
    logLevel: "silent",
    plugins: [emptyNodeBuiltins],
  });
  const files: DashboardFiles = new Map();
  for (const out of result.outputFiles) {
    const name = out.path.slice(out.path.lastIndexOf("/"));
    files.set(name, { body: Buffer.from(out.contents), type: typeOf(name) });
  }
  const html = await readFile(`${source}index.html`);
  files.set("/", { body: html, type: TYPES[".html"]! });
  files.set("/index.html", { body: html, type: TYPES[".html"]! });
  return files;
}
