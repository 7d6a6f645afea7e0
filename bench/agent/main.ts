/* The agent on the wire and on the board: bytes per reading (stanzas included, counted by a TCP
 * proxy between agent and server) with the default batching and EXI4JSON against one reading per
 * item as JSON; steady RSS of the agent process; CPU time per reading. 4 simulated channels at
 * 1 Hz, real Prosody, real hub, real `xiot agent` process.
 * Run: npm run bench:agent [-- --minutes 5 --json-seconds 60] */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readingsNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { startServer, type TestServer } from "../../test/e2e/server";
import { decodeItem, fetchAllItems } from "../../test/helpers/agent/e2e";
import { startTcpProxy } from "../../test/helpers/tcp-proxy";
import { bundleAgent } from "./bundle";
import { runNode } from "./run-node";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg("minutes", 5);
const jsonSeconds = arg("json-seconds", 60);
const CLK_TCK = 100; // Linux USER_HZ on x86-64 and arm64
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sim = (model: string, seed: number, stddev: number) => ({
  model,
  options: { seed, noise: { stddev } },
  intervalMs: 1000,
});
const CHANNELS = {
  temperature: sim("sim-temperature", 1, 0.1),
  outside: sim("sim-temperature", 2, 0.1),
  humidity: sim("sim-humidity", 3, 0.2),
  soil: sim("sim-humidity", 4, 0.2),
};

interface Run {
  name: string;
  seconds: number;
  upBytes: number;
  downBytes: number;
  readings: number;
  documents: number;
  cpuMs: number;
  windowReadings: number;
  rssKb: number[];
}

function procStat(pid: number): { cpuTicks: number; rssKb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return { cpuTicks, rssKb };
}

async function runOne(
  server: TestServer,
  watcher: { jid: string; client: ClientConnection },
  name: string,
  seconds: number,
  extra: object,
) {
  const device = await server.register(`bench-${name}-${process.pid}`);
  const proxy = await startTcpProxy({ host: "127.0.0.1", port: server.ports.c2s });
  const dir = mkdtempSync(join(tmpdir(), "xiot-bench-agent-"));
  const config = {
    device: { id: device.username },
    xmpp: { service: proxy.url, domain: server.info.domain, password: device.password },
    state: { dir },
    allow: [watcher.jid],
    channels: CHANNELS,
    log: { level: "warn" },
    ...extra,
  };
  writeFileSync(join(dir, "agent.json"), JSON.stringify(config));
  const proc = runNode([bundle, "--config", join(dir, "agent.json")]);
  await proc.ready(60_000);
  const pid = proc.child.pid as number;
  const up0 = proxy.bytes.up;
  const down0 = proxy.bytes.down;
  const warm = Math.min(60, seconds / 5);
  await sleep(warm * 1000);
  const start = { ...procStat(pid), at: Date.now() };
  const rssKb: number[] = [];
  while (Date.now() - start.at < (seconds - warm) * 1000) {
    await sleep(5000);
    rssKb.push(procStat(pid).rssKb);
  }
  const end = { ...procStat(pid), at: Date.now() };
  await proc.stop("SIGTERM");
  const docs = (await fetchAllItems(watcher.client, "hub.localhost", readingsNode(device.username))).map(
    decodeItem,
  );
  const readings = docs.flatMap((d) => d.r);
  await proxy.close();
  const run: Run = {
    name,
    seconds,
    upBytes: proxy.bytes.up - up0,
    downBytes: proxy.bytes.down - down0,
    readings: readings.length,
    documents: docs.length,
    cpuMs: ((end.cpuTicks - start.cpuTicks) * 1000) / CLK_TCK,
    windowReadings: readings.filter((r) => r.t >= start.at && r.t < end.at).length,
    rssKb,
  };
  return run;
}

const bundle = await bundleAgent();
const server = await startServer();
await server.hub();
const account = await server.register();
const watcher = { jid: account.jid, client: await server.client(account) };
const batched = await runOne(server, watcher, "exi", minutes * 60, {});
const single = await runOne(server, watcher, "json", jsonSeconds, {
  encoding: "json",
  batch: { maxReadings: 1, maxDelayMs: 0 },
});
await server.stop();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const perReading = (r: Run) => r.upBytes / r.readings;
const row = (label: string, r: Run) =>
  `| ${label} | ${r.seconds} | ${r.readings} | ${r.documents} | ${r.upBytes} | ${perReading(r).toFixed(1)} | ${(r.downBytes / r.readings).toFixed(1)} | ${(r.cpuMs / Math.max(1, r.windowReadings)).toFixed(3)} | ${(Math.min(...r.rssKb) / 1024) | 0}–${(Math.max(...r.rssKb) / 1024).toFixed(1)} (median ${(median(r.rssKb) / 1024).toFixed(1)}) |`;
process.stdout.write(
  [
    `Node ${process.version}, ${process.arch}; the agent bundled with esbuild and run by plain node; 4 channels at 1 Hz; bytes counted agent → server after the ready line.`,
    "",
    "| run | s | readings | items | bytes up | bytes up / reading | bytes down / reading | CPU ms / reading | RSS MB (after warm-up) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    row("default batching, EXI4JSON", batched),
    row("one reading per item, JSON", single),
    "",
    `Batched/EXI uses ${((100 * perReading(batched)) / perReading(single)).toFixed(1)} % of the bytes per reading of one-per-item JSON (target ≤ 10 %).`,
    "",
  ].join("\n"),
);
