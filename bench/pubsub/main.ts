/* PubSub throughput and latency: 1 publisher and S subscribers against the hub, Prosody's own
 * mod_pubsub (persistent and not) and a do-nothing component, all behind one Prosody in one run.
 * Run: npm run bench:pubsub [-- --n 5000 --subscribers 1,10 --targets hub,prosody,prosody-nopersist,null
 *      --rounds 3 --window 100 --warmup 200 --dir <parent folder> --keep]
 * Targets are measured in interleaved rounds and each row shows its best round (the machine is
 * shared). Everything the benchmark starts (Prosody, the hub, the do-nothing component) is stopped
 * on the way out, also on failure and on SIGINT/SIGTERM; all traffic stays on 127.0.0.1. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { deviceJid } from "../../shared/jid";
import { createLogger } from "../../shared/log";
import type { Child } from "./children";
import { BENCH_DEVICE, type MeasureContext, measureTarget, type Row } from "./measure";
import { connectPeers, type Peers } from "./peers";
import { DeliveryTracker, makePayload } from "./phase";
import { startProcesses } from "./processes";
import { type BenchServer, startBenchServer } from "./prosody";
import { bestRounds, formatNotes, formatRatios, formatResources, formatTable } from "./report";
import { DEFAULT_TARGETS, parseTargets, TARGETS } from "./targets";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const { values: args } = parseArgs({
  options: {
    n: { type: "string", default: "5000" },
    subscribers: { type: "string", default: "1,10" },
    targets: { type: "string", default: DEFAULT_TARGETS.join(",") },
    rounds: { type: "string", default: "3" },
    window: { type: "string", default: "100" },
    warmup: { type: "string", default: "200" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const whole = (name: string, text: string, min: number) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name}: expected a whole number ≥ ${min}, got "${text}"`);
  return value;
};
const n = whole("n", args.n, 1);
const rounds = whole("rounds", args.rounds, 1);
const window = whole("window", args.window, 1);
const warmup = whole("warmup", args.warmup, 0);
const sizes = args.subscribers.split(",").map((s) => whole("subscribers", s.trim(), 1));
const targets = parseTargets(args.targets);
const log = createLogger({ level: "warn", name: "bench-pubsub" });

const children: Child[] = [];
const folders: string[] = [];
let server: BenchServer | undefined;
let peers: Peers | undefined;
let cleaned: Promise<void> | undefined;
const base = args.dir ?? tmpdir();
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(join(base, "xiot-bench-pubsub-"));
folders.push(dir);

function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    await peers?.stop();
    await Promise.allSettled(children.map((child) => child.stop()));
    await server?.prosody.stop();
    if (!args.keep) for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  })();
  return cleaned;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping everything the benchmark started\n`);
    void cleanup().finally(() => process.exit(130));
  });
}
// Last resort when the process ends some other way: nothing the benchmark started outlives it.
process.on("exit", () => {
  for (const child of children) child.kill();
  if (server && server.prosody.child.exitCode === null) server.prosody.child.kill("SIGKILL");
});

function tmpfsDir(): string {
  if (!existsSync("/dev/shm")) throw new Error("hub-tmpfs needs /dev/shm (tmpfs)");
  const folder = mkdtempSync("/dev/shm/xiot-bench-pubsub-");
  folders.push(folder);
  return folder;
}

function prosodyVersion(): string {
  try {
    return readFileSync("/usr/lib/prosody/prosody.version", "utf8").trim();
  } catch {
    // Only Debian's package keeps the version there; the report then says "?".
    return "?";
  }
}

async function setUp(): Promise<MeasureContext> {
  const domain = "localhost";
  const prosodyDir = join(dir, "prosody");
  mkdirSync(prosodyDir, { recursive: true });
  server = await startBenchServer({
    dir: prosodyDir,
    domain,
    admins: [deviceJid(BENCH_DEVICE, domain)],
    log,
  });
  const bench = server;
  const started = await startProcesses({
    root: ROOT,
    server: bench,
    targets,
    hubDir: join(dir, "hub"),
    tmpfsDir,
    track: (child) => children.push(child),
  });
  peers = await connectPeers({
    service: bench.c2s,
    domain,
    publisherName: BENCH_DEVICE,
    subscriberCount: Math.max(...sizes),
    log,
  });
  const tracker = new DeliveryTracker();
  peers.onNotification(tracker.onNotification);
  return {
    peers,
    tracker,
    jids: {
      hub: bench.components.hub.jid,
      "hub-tmpfs": bench.components["hub-tmpfs"].jid,
      pubsub: bench.pubsubJid,
      null: bench.components.null.jid,
    },
    prosodyPid: bench.pid(),
    targetPid: (target) => (target.service === "pubsub" ? undefined : started[target.service]?.pid),
    n,
    warmup,
    window,
    payload: makePayload(BENCH_DEVICE),
    stallMs: 15_000,
  };
}

async function main(): Promise<void> {
  const ctx = await setUp();
  const rows: Row[] = [];
  for (const s of sizes) {
    for (let round = 1; round <= rounds; round++) {
      for (const name of targets) {
        if (round > (TARGETS[name].maxRounds ?? rounds)) continue;
        process.stderr.write(`round ${round}/${rounds}: ${name} with ${s} subscriber(s)…\n`);
        rows.push(await measureTarget(ctx, TARGETS[name], s));
      }
    }
  }
  const best = bestRounds(rows);
  console.log(
    `PubSub: 1 publisher, S subscribers, N=${n} readings (${ctx.payload.length} B of base64 each), ` +
      `≤${window} publishes in flight, ${warmup} warm-up publishes per row, best of ${rounds} interleaved rounds ` +
      `(Prosody persistent: 1); Prosody ${prosodyVersion()}, Node ${process.version}, ` +
      `${cpus().length} × ${cpus()[0]?.model ?? "?"}; data in ${dir}`,
  );
  console.log(formatTable(best));
  console.log(
    "\nwhere the time went (cpu and run-queue wait in % of one core; host busy and others in cores):",
  );
  console.log(formatResources(best));
  console.log("");
  for (const line of [...formatRatios(best), ...formatNotes(best, rows)]) console.log(line);
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(`bench:pubsub failed: ${(error as Error).stack ?? error}`);
  for (const child of children) console.error(`--- ${child.name} stderr\n${child.tail()}`);
} finally {
  await cleanup();
}
