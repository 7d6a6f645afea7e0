/* The agent as a release bundle: size per architecture (one-file bundle, native packages, Node
 * runtime, whole folder, and gzipped as shipped), and cold start of the bundled agent against
 * the source tree (tsx): spawn → first log line (code loaded, pipeline open) and spawn → ready
 * line (logged in, nodes ready, meta published) against a real Prosody and hub.
 * Run: npx tsx bench/agent/release.ts [-- --runs 5 --arches x64,arm64,armv7] */
import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildRelease, type ReleaseManifest } from "../../cli/flash/build";
import { type Arch, DEFAULT_CACHE, ROOT } from "../../cli/flash/layout";
import { folderBytes } from "../../cli/flash/natives";
import { spawnLines } from "../../test/e2e/flash-fixture";
import { startServer } from "../../test/e2e/server";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const runs = Number(arg("runs", "5"));
const arches = arg("arches", "x64,arm64,armv7").split(",") as Arch[];
const MB = (n: number) => (n / 1024 / 1024).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function sizes(): Promise<{ rows: string[]; x64: string }> {
  const rows: string[] = [];
  let x64 = "";
  const base = mkdtempSync(join(tmpdir(), "xiot-bench-release-"));
  for (const arch of arches) {
    const dir = join(base, arch);
    const m: ReleaseManifest = await buildRelease({
      arch,
      dir,
      node: "bundled",
      cache: resolve(ROOT, DEFAULT_CACHE),
    });
    if (arch === "x64") x64 = dir;
    const tgz = join(base, `${arch}.tgz`);
    execFileSync("tar", ["-czf", tgz, "-C", dir, "."]);
    const natives = folderBytes(join(dir, "node_modules"));
    const node = statSync(join(dir, "node/bin/node")).size;
    rows.push(
      `| ${arch} | ${m.node.pkg}@${m.node.version} | ${MB(m.bundleBytes)} | ${MB(natives)} | ${MB(node)} | ${MB(folderBytes(dir))} | ${MB(statSync(tgz).size)} | ${m.gpio.sysfs ? "sysfs + gpiod" : "gpiod"} |`,
    );
  }
  return { rows, x64 };
}

async function coldStarts(x64: string): Promise<string[]> {
  const server = await startServer();
  await server.hub();
  const variants: [string, string, string[]][] = [
    ["source tree (tsx)", process.execPath, [join(ROOT, "bin/xiot.js"), "agent"]],
    [`bundle, this machine's Node ${process.version}`, process.execPath, [join(x64, "lib/agent.mjs")]],
    ["bundle, bundled Node (bin/xiot-agent)", join(x64, "bin/xiot-agent"), []],
  ];
  const rows: string[] = [];
  for (const [name, command, prefix] of variants) {
    const loaded: number[] = [];
    const ready: number[] = [];
    for (let i = 0; i < runs; i++) {
      const account = await server.register();
      const dir = mkdtempSync(join(tmpdir(), "xiot-bench-cold-"));
      const config = join(dir, "agent.json");
      writeFileSync(
        config,
        JSON.stringify({
          device: { id: account.username },
          xmpp: { service: server.info.c2s, domain: server.info.domain, password: account.password },
          state: { dir },
          channels: { temperature: { model: "sim-temperature" } },
        }),
      );
      const start = performance.now();
      const proc = spawnLines(command, [...prefix, "--config", config]);
      await proc.waitFor("stderr", () => true, 60_000);
      loaded.push(performance.now() - start);
      await proc.waitFor("stdout", (l) => l.startsWith('{"ready":true'), 60_000);
      ready.push(performance.now() - start);
      await proc.stop("SIGTERM");
    }
    rows.push(`| ${name} | ${median(loaded).toFixed(0)} | ${median(ready).toFixed(0)} |`);
  }
  await server.stop();
  return rows;
}

const { rows, x64 } = await sizes();
const cold = x64 ? await coldStarts(x64) : [];
process.stdout.write(
  [
    "| arch | runtime | agent.mjs MB | native packages MB | node MB | release MB | .tgz MB | GPIO |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows,
    "",
    `Cold start, median of ${runs} (ms from spawn; x64, ${process.arch} build machine):`,
    "",
    "| agent | first log line | ready (online, meta published) |",
    "| --- | ---: | ---: |",
    ...cold,
    "",
  ].join("\n"),
);
