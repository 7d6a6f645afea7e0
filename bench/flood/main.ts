/* A flood does not slow everyone: one real Prosody, one `xiot hub` (default publish limits:
 * 200/s, burst 1000), a quiet device publishing one reading at a steady rate and measuring each
 * publish round trip, first alone (baseline), then while a second device floods (10,000
 * publishes in 10 s by default, most refused with `wait`). Prints p50/p99 of both phases and
 * the ratio (target: flood p99 ≤ 2 × baseline p99), with what the flooder got back.
 * Run: npm run bench:flood [-- --seconds 10 --flood 10000 --rate 20 --limit-rate 200 --limit-burst 1000
 *      --c2s-rate 96kb/s|off; or --drain [--documents 3000 --rates off,96kb/s,64kb/s]
 *      --dir <parent folder> --keep]
 * References: hub/pubsub/rate-limit.ts, BENCHMARKS.md "Flood"; helpers from bench/pubsub/. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { DEFAULT_RATES } from "../../server/config";
import { fromBase64 } from "../../shared/exi";
import { makeEncodedReadingsPayload } from "../../shared/exi/payload";
import { createLogger } from "../../shared/log";
import { readingsNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makePublish } from "../../shared/xmpp/pubsub";
import { makePayload } from "../pubsub/phase";
import type { BenchServer } from "../pubsub/prosody";
import { runDrain } from "./drain";
import { DOMAIN, PASSWORD, ROOT, startFloodStack } from "./stack";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    flood: { type: "string", default: "10000" },
    rate: { type: "string", default: "20" },
    /** The hub's per-JID publish limit (its defaults); lower them to see refusals alone. */
    "limit-rate": { type: "string", default: "200" },
    "limit-burst": { type: "string", default: "1000" },
    /** Prosody's per-session read rate (`xiot server --c2s-rate`); "off" for none. */
    "c2s-rate": { type: "string", default: DEFAULT_RATES.c2s },
    /** Measure a legitimate backlog drain per c2s rate instead of the flood (drain.ts). */
    drain: { type: "boolean", default: false },
    documents: { type: "string", default: "3000" },
    rates: { type: "string", default: `off,${DEFAULT_RATES.c2s}` },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const SECONDS = Number(args.seconds);
const FLOOD = Number(args.flood);
const RATE = Number(args.rate);
const log = createLogger({ level: "warn" });
const dir = mkdtempSync(join(args.dir ?? tmpdir(), "xiot-bench-flood-"));
const cleanups: (() => Promise<unknown>)[] = [];

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

const readings = makeEncodedReadingsPayload(fromBase64(makePayload("flood-quiet")) ?? new Uint8Array());

/** The quiet device: one publish every 1/RATE s for SECONDS, each round trip in ms. */
async function quietPhase(quiet: ClientConnection, hub: string, boot: string): Promise<number[]> {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < SECONDS * RATE; i++) {
    await sleepUntil(start + (i * 1000) / RATE);
    const t0 = performance.now();
    await quiet.request(makePublish(hub, readingsNode("flood-quiet"), readings, { id: `${boot}-${i}` }));
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

/** The flooder, in its own process (flooder.ts): online first, then FLOOD publishes on "go". */
async function startFlooder(server: BenchServer, hub: string) {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench/flood/flooder.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...{ XIOT_FLOOD_C2S: server.c2s, XIOT_FLOOD_DOMAIN: DOMAIN, XIOT_FLOOD_PASSWORD: PASSWORD },
      ...{ XIOT_FLOOD_HUB: hub, XIOT_FLOOD_NAME: "flood-loud", XIOT_FLOOD_COUNT: String(FLOOD) },
      XIOT_FLOOD_SECONDS: String(SECONDS),
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  cleanups.push(async () => void child.kill());
  const lines = createInterface({ input: child.stdout! });
  const line = () => new Promise<string>((resolve) => lines.once("line", resolve));
  if (!(await line()).startsWith('{"ready":true')) throw new Error("the flooder did not start");
  return {
    async run(): Promise<{ outcome: Record<string, number>; sentIn: number; answeredIn: number }> {
      const result = line();
      child.stdin!.write("go\n");
      return JSON.parse(await result);
    },
  };
}

async function main(): Promise<void> {
  const {
    server,
    hubJid: jid,
    device,
  } = await startFloodStack({
    dir,
    log,
    c2sRate: args["c2s-rate"],
    publishRate: args["limit-rate"],
    publishBurst: args["limit-burst"],
    cleanups,
  });
  const quiet = await device("flood-quiet");
  await (await device("flood-loud")).stop(); // the account and its node; the flood runs elsewhere
  const flooder = await startFlooder(server, jid);
  await quietPhase(quiet, jid, "w.1"); // warm-up, discarded
  const base = await quietPhase(quiet, jid, "b.1");
  const [during, flooded] = await Promise.all([quietPhase(quiet, jid, "d.1"), flooder.run()]);
  const f = (n: number) => n.toFixed(2);
  const row = (name: string, t: number[]) =>
    `  ${name.padEnd(12)} n=${t.length}  p50 ${f(quantile(t, 0.5))} ms  p99 ${f(quantile(t, 0.99))} ms  max ${f(t.at(-1) ?? Number.NaN)} ms`;
  console.log(
    `Flood: quiet device publishing ${RATE}/s for ${SECONDS} s, alone then beside one flooding ${FLOOD} ` +
      `publishes in ${SECONDS} s (hub limits: ${args["limit-rate"]}/s, burst ${args["limit-burst"]}; ` +
      `Prosody c2s rate ${args["c2s-rate"]}); Node ${process.version}, ` +
      `${cpus().length} × ${cpus()[0]?.model ?? "?"}; data in ${dir}`,
  );
  console.log(row("baseline", base));
  console.log(row("under flood", during));
  const outcome = Object.entries(flooded.outcome).map(([k, v]) => `${k} ${v}`);
  console.log(
    `  flooder (own process): sent in ${flooded.sentIn.toFixed(1)} s, all answered in ` +
      `${flooded.answeredIn.toFixed(1)} s: ${outcome.join(", ")}`,
  );
  const ratio = (q: number) => quantile(during, q) / quantile(base, q);
  console.log(
    `  ratio under flood / baseline: p50 ${f(ratio(0.5))}x, p99 ${f(ratio(0.99))}x (target p99 ≤ 2x)`,
  );
}

try {
  if (args.drain) await runDrain(dir, args.rates.split(","), Number(args.documents), log);
  else await main();
} catch (error) {
  process.exitCode = 1;
  console.error(`bench:flood failed: ${(error as Error).stack ?? error}`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}
