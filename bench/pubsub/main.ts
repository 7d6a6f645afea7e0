/* PubSub throughput and latency: 1 publisher and S subscribers against the hub, Prosody's own
 * mod_pubsub (persistent and not) and a do-nothing component, all behind one Prosody in one run.
 * Run: npm run bench:pubsub [-- --n 5000 --subscribers 1,10 --targets hub,prosody,prosody-nopersist,null]
 * Everything it starts (Prosody, the hub, the do-nothing component) is stopped on the way out,
 * also on failure and on SIGINT/SIGTERM; all traffic stays on 127.0.0.1. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createLogger } from "../../shared/log";
import { type Child, spawnReady } from "./children";
import { type MeasureContext, measureTarget, type Row } from "./measure";
import { connectPeers, type Peers } from "./peers";
import { DeliveryTracker } from "./phase";
import { type BenchServer, startBenchServer } from "./prosody";
import { formatNotes, formatRatios, formatTable } from "./report";
import { makePayload } from "./stanzas";
import { parseTargets, TARGETS, type TargetName, type TargetSpec } from "./targets";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const { values: args } = parseArgs({
  options: {
    n: { type: "string", default: "5000" },
    subscribers: { type: "string", default: "1,10" },
    targets: { type: "string", default: "hub,prosody,prosody-nopersist,null" },
    window: { type: "string", default: "100" },
    warmup: { type: "string", default: "200" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const positive = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name}: expected a whole number, got "${text}"`);
  return value;
};
const n = positive("n", args.n);
const window = Math.max(1, positive("window", args.window));
const warmup = positive("warmup", args.warmup);
const sizes = args.subscribers.split(",").map((s) => Math.max(1, positive("subscribers", s.trim())));
const targets = parseTargets(args.targets);
const log = createLogger({ level: "warn", name: "bench-pubsub" });

const children: Child[] = [];
let server: BenchServer | undefined;
let peers: Peers | undefined;
let cleaned: Promise<void> | undefined;
const base = args.dir ?? tmpdir();
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(join(base, "xiot-bench-pubsub-"));

function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    await peers?.stop();
    await Promise.allSettled(children.map((child) => child.stop()));
    await server?.prosody.stop();
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
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

async function startTargets(bench: BenchServer): Promise<Partial<Record<TargetName, Child>>> {
  const started: Partial<Record<TargetName, Child>> = {};
  if (targets.includes("hub")) {
    const xiot = join(ROOT, "bin/xiot.js");
    started.hub = await spawnReady(
      "xiot hub",
      [
        xiot,
        "hub",
        ...[
          "--xmpp.service",
          bench.component,
          "--xmpp.domain",
          bench.hubJid,
          "--xmpp.password",
          bench.hubSecret,
        ],
        ...["--dir", join(dir, "hub"), "--log.level", "warn"],
        // The hub limits each publisher to 200/s by default (burst 1000); the other targets have
        // no such limit, so it is lifted here to compare the publish paths themselves.
        ...["--pubsub.publishRate", "1000000", "--pubsub.publishBurst", "1000000"],
      ],
      { cwd: ROOT },
    );
    children.push(started.hub);
  }
  if (targets.includes("null")) {
    started.null = await spawnReady(
      "null component",
      ["--import", "tsx", join(ROOT, "bench/pubsub/null-component.ts")],
      {
        cwd: ROOT,
        env: {
          XIOT_NULL_SERVICE: bench.component,
          XIOT_NULL_DOMAIN: bench.nullJid,
          XIOT_NULL_PASSWORD: bench.nullSecret,
        },
      },
    );
    children.push(started.null);
  }
  return started;
}

function prosodyVersion(): string {
  try {
    return readFileSync("/usr/lib/prosody/prosody.version", "utf8").trim();
  } catch {
    // Only Debian's package keeps the version there; the report then says "?".
    return "?";
  }
}

async function main(): Promise<void> {
  const prosodyDir = join(dir, "prosody");
  mkdirSync(prosodyDir, { recursive: true });
  const domain = "localhost";
  server = await startBenchServer({ dir: prosodyDir, domain, admins: [`bench-1@${domain}`], log });
  const started = await startTargets(server);
  peers = await connectPeers({
    service: server.c2s,
    domain,
    publisherName: "bench-1",
    subscriberCount: Math.max(...sizes),
    log,
  });
  const tracker = new DeliveryTracker();
  peers.onNotification(tracker.onNotification);
  const payload = makePayload();
  const ctx: MeasureContext = {
    peers,
    tracker,
    jids: { hub: server.hubJid, pubsub: server.pubsubJid, null: server.nullJid },
    prosodyPid: server.pid(),
    targetPid: (target: TargetSpec) => started[target.name]?.pid,
    n,
    warmup,
    window,
    payload,
    stallMs: 15_000,
  };
  const rows: Row[] = [];
  for (const s of sizes) {
    for (const name of targets) {
      process.stderr.write(`measuring ${name} with ${s} subscriber(s)…\n`);
      rows.push(await measureTarget(ctx, TARGETS[name], s));
    }
  }
  const version = prosodyVersion();
  console.log(
    `PubSub: 1 publisher, S subscribers, N=${n} readings (${payload.length} B of base64 each), ` +
      `≤${window} publishes in flight, ${warmup} warm-up publishes per row; Prosody ${version}, ` +
      `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}; data in ${dir}`,
  );
  console.log(formatTable(rows));
  for (const line of formatRatios(rows)) console.log(line);
  for (const line of formatNotes(rows)) console.log(line);
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
