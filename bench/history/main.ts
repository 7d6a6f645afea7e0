/* `npm run bench:history`: xiot's history against VictoriaMetrics and InfluxDB, in one run, on
 * the same generated readings (./data.ts), fed in the same batches, each then compacted its own
 * way and measured: ingest readings/s, bytes on disk per reading, and the median time of three
 * queries (raw last 24 h of one channel; the whole span at 1 h of one channel; the maximum over
 * the span of 100 channels).
 *
 * Every batch is first prepared in each engine's wire form (EXI publishes, line protocol, JSON
 * lines), untimed, as TSBS separates generating data from loading it; ingest is the time from the
 * first write to the last acknowledgement.
 *
 * Engines: `hub` is xiot as users run it, fed through real publishes via Prosody to the hub and
 * queried over XMPP (./hub.ts); `chunks` and `rows` are xiot's history engines fed in-process
 * (./xiot.ts), without XMPP, to show what the engine itself costs; `victoria` and `influx` are the
 * peers, fed and queried over their HTTP APIs.
 *
 * Flags: --devices 60 --channels 4 --days 30 --cadence 60 (s) --batch 1000 (readings per
 * publish) --writers 4 (batches in flight, each acknowledged before its writer's next; the same
 * for every engine) --runs 5 (per query) --engines hub,chunks,victoria,influx (also: rows) --keep (leave
 * the run's folder); --quick is a ~10^5-reading smoke run. The data ends on a 6-hour boundary at
 * least 70 minutes before now, so the hub's every window is due to be sealed. Peers come from
 * Debian's packages (installed when missing, as root) and run as user processes on loopback ports
 * in a temporary folder, stopped on the way out, also on failure and SIGINT. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  batches,
  channelName,
  type DataOptions,
  deviceId,
  hundredSeries,
  sampleCount,
  startOf,
} from "./data";
import type { Engine } from "./engine";
import { hubEngine } from "./hub";
import { influxEngine } from "./influx";
import { ensurePeers } from "./proc";
import { type Figures, printFigures, printTargets, QUERIES, type QueryName } from "./report";
import { victoriaEngine } from "./victoria";
import { benchRetention, xiotEngine } from "./xiot";

const DAY = 86_400_000;
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const text = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] as string) : fallback;
};
const quick = argv.includes("--quick");
const cadenceMs = flag("cadence", 60) * 1000;
const WINDOW = 6 * 3_600_000; // the hub's chunk window (hub/history/sqlite-chunks.ts)
const SEAL_DUE = 70 * 60_000; // a window is sealed an hour after it ends, and a prune step later
const options: DataOptions = {
  devices: flag("devices", quick ? 3 : 60),
  channels: flag("channels", 4),
  days: flag("days", quick ? 6 : 30),
  batch: flag("batch", 1000),
  cadenceMs,
  end: Math.floor((Date.now() - SEAL_DUE) / WINDOW) * WINDOW,
  seed: flag("seed", 1),
};
const runs = flag("runs", 5);
const writers = flag("writers", 4);
const names = text("engines", "hub,chunks,victoria,influx").split(",");

const dir = mkdtempSync(join(tmpdir(), "xiot-bench-history-"));
let current: Engine | undefined;
const cleanup = async () => {
  await current?.stop().catch((e) => console.error(`stopping ${current?.name}: ${e}`));
  current = undefined;
  if (!argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });

function makeEngine(name: string): Engine {
  const retention = benchRetention(options.days);
  if (name === "hub")
    return hubEngine(
      join(dir, "hub"),
      Array.from({ length: options.devices }, (_, d) => deviceId(d)),
      retention,
    );
  if (name === "rows" || name === "chunks") return xiotEngine(name, dir, retention);
  if (name === "victoria") return victoriaEngine(dir);
  if (name === "influx") return influxEngine(dir);
  throw new Error(`unknown engine ${name} (hub, chunks, rows, victoria, influx)`);
}

async function median(run: () => Promise<number>): Promise<{ ms: number; answer: number }> {
  const times: number[] = [];
  let answer = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    answer = await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] as number, answer };
}

async function measure(e: Engine): Promise<Figures> {
  await e.start();
  // Every batch in the engine's wire form first (./engine.ts), then the clock starts.
  const prepared: { write: () => Promise<void>; readings: number }[] = [];
  for (const batch of batches(options))
    prepared.push({ write: e.prepare(batch), readings: batch.readings.length });
  let readings = 0;
  let next = 0;
  const t0 = performance.now();
  // `writers` batches in flight at once, as that many devices publishing at the same time; each
  // writer waits for its batch to be acknowledged before it takes the next.
  const writer = async () => {
    for (let p = prepared[next++]; p; p = prepared[next++]) {
      await p.write();
      readings += p.readings;
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const ingestS = (performance.now() - t0) / 1000;
  console.log(`${e.name}: ${readings} readings in ${ingestS.toFixed(1)} s; compacting`);
  const c0 = performance.now();
  await e.compact();
  const bytes = await e.bytes();
  console.log(`${e.name}: compacted in ${((performance.now() - c0) / 1000).toFixed(1)} s, ${bytes} bytes`);
  const end = options.end;
  const from = startOf(options);
  const one = { device: deviceId(0), channel: channelName(0) };
  const hundred = hundredSeries(options);
  const run: Record<QueryName, () => Promise<number>> = {
    "raw 24 h": () => e.raw(one, end - DAY, end),
    "30 d at 1 h": () => e.hourly(one, from, end),
    "30 d max of 100": () => e.max(hundred, from, end),
  };
  const queries = {} as Figures["queries"];
  for (const q of QUERIES) queries[q] = await median(run[q]);
  return { name: e.name, feed: e.feed, readings, ingestS, bytes, queries };
}

async function main(): Promise<void> {
  const peers = [names.includes("victoria") && "victoria-metrics", names.includes("influx") && "influxd"];
  ensurePeers(peers.filter((p): p is string => typeof p === "string"));
  const total = options.devices * options.channels * sampleCount(options);
  console.log(
    `bench:history: ${options.devices} devices × ${options.channels} channels every ${cadenceMs / 1000} s ` +
      `for ${options.days} days (${total} slots, a few gaps), batches of ${options.batch}, ${writers} writers, ` +
      `${runs} runs per query; ` +
      `folder ${dir}`,
  );
  const all: Figures[] = [];
  for (const name of names) {
    current = makeEngine(name);
    all.push(await measure(current));
    await current.stop();
    current = undefined;
  }
  printFigures(all);
  printTargets(all);
}

main()
  .then(cleanup)
  .catch(async (error) => {
    console.error(error);
    await cleanup();
    process.exit(1);
  });
