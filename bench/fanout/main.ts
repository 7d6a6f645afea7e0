/* A large fan-out leaves the hub responsive: one real Prosody, one `xiot hub`, a node with
 * N subscribers (10,000 by default: resources of one account, only the last of them online, so
 * Prosody silently drops headlines to the others, RFC 6121 §8.5.3.2.1), and a pinger sending an
 * XEP-0199 ping to the hub every few ms. Prints the ping round trips alone (baseline) and while
 * one publish fans out to every subscriber (from the publish until the online subscriber, the
 * last one, has its notification), and the ratio.
 * Run: npm run bench:fanout [-- --subscribers 10000 --rounds 3 --interval 5 --dir <folder> --keep]
 * References: XEP-0060 §7.1.2 (notifications), §8.8.2 (an owner sets subscriptions), XEP-0199 §4.2
 * (ping), hub/pubsub/notify.ts (slices with backpressure), BENCHMARKS.md "Fan-out". */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import xml, { type Element } from "@xmpp/xml";
import { createLogger } from "../../shared/log";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import { NS_PING } from "../../shared/xmpp/ns";
import { makePublish } from "../../shared/xmpp/pubsub";
import { parseItemsEvent } from "../../shared/xmpp/pubsub-events";
import { makeCreate, makeNodeSubscriptions } from "../../shared/xmpp/pubsub-owner";
import { registerAccount } from "../../shared/xmpp/register";
import { type Child, spawnReady } from "../pubsub/children";
import { hubCommand } from "../pubsub/processes";
import { type BenchServer, startBenchServer } from "../pubsub/prosody";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const { values: args } = parseArgs({
  options: {
    subscribers: { type: "string", default: "10000" },
    rounds: { type: "string", default: "3" },
    /** ms between pings. */
    interval: { type: "string", default: "5" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const SUBSCRIBERS = Number(args.subscribers);
const ROUNDS = Number(args.rounds);
const INTERVAL_MS = Number(args.interval);
const DOMAIN = "localhost";
const PASSWORD = "bench fanout password";
const NODE = "fanout";
const log = createLogger({ level: "warn" });
const dir = mkdtempSync(join(args.dir ?? tmpdir(), "xiot-bench-fanout-"));
const cleanups: (() => Promise<unknown>)[] = [];

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function login(server: BenchServer, username: string, resource: string): Promise<ClientConnection> {
  const config = { service: server.c2s, domain: DOMAIN, username, password: PASSWORD };
  await registerAccount({ config, log }).catch(() => undefined); // already there: log in as it is
  const connection = createClient({ config: { ...config, resource }, log });
  cleanups.push(() => connection.stop());
  await connection.start();
  return connection;
}

/** Pings the hub back to back (one in flight, INTERVAL_MS apart) until `until` settles. */
async function pingWhile(pinger: ClientConnection, hub: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const times: number[] = [];
  while (!done) {
    const t0 = performance.now();
    await pinger.request(xml("iq", { type: "get", to: hub }, xml("ping", { xmlns: NS_PING })));
    times.push(performance.now() - t0);
    await sleep(INTERVAL_MS);
  }
  return times;
}

/** Subscribes `<watcher>/r<i>` for every i, in IQs of 500; the online resource comes last. */
async function subscribeAll(owner: ClientConnection, hub: string, watcher: ClientConnection): Promise<void> {
  const bare = watcher.jid().split("/")[0] as string;
  for (let from = 0; from < SUBSCRIBERS - 1; from += 500) {
    const states: Record<string, string> = {};
    for (let i = from; i < Math.min(from + 500, SUBSCRIBERS - 1); i++) states[`${bare}/r${i}`] = "subscribed";
    // Each subscription is its own durable write (hub/pubsub/service-owner.ts): allow the time.
    await owner.request(makeNodeSubscriptions(hub, NODE, states), 300_000);
  }
  await owner.request(makeNodeSubscriptions(hub, NODE, { [watcher.jid()]: "subscribed" }));
}

function notified(watcher: ClientConnection, id: string): Promise<void> {
  return new Promise((resolve) => {
    const onStanza = (stanza: Element) => {
      if (parseItemsEvent(stanza)?.items.some((item) => item.attrs.id === id)) {
        watcher.xmpp.removeListener("stanza", onStanza);
        resolve();
      }
    };
    watcher.xmpp.on("stanza", onStanza);
  });
}

async function main(): Promise<void> {
  const prosodyDir = join(dir, "prosody");
  mkdirSync(prosodyDir, { recursive: true });
  const server = await startBenchServer({ dir: prosodyDir, domain: DOMAIN, admins: [], log });
  cleanups.push(() => server.prosody.stop());
  const { jid: hub } = server.components.hub;
  const hubProcess: Child = await spawnReady(
    "hub",
    hubCommand(ROOT, server, "hub", join(dir, "hub"), [
      ...["--http.port", "0", "--hub.allowLocalUsers"],
      ...["--pubsub.maxSubscriptionsPerNode", String(SUBSCRIBERS)],
    ]),
    { cwd: ROOT },
  );
  cleanups.push(() => hubProcess.stop());
  const owner = await login(server, "fanout-owner", "bench");
  const watcher = await login(server, "fanout-watcher", `r${SUBSCRIBERS - 1}`);
  const pinger = await login(server, "fanout-pinger", "bench");
  await owner.request(makeCreate(hub, NODE));
  await subscribeAll(owner, hub, watcher);

  const base = (await pingWhile(pinger, hub, sleep(2000))).sort((a, b) => a - b);
  const during: number[] = [];
  const fanouts: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const id = `item-${round}`;
    const arrived = notified(watcher, id);
    const t0 = performance.now();
    const published = owner.request(
      makePublish(hub, NODE, xml("entry", { xmlns: "urn:xiot:bench:0" }, id), { id }),
    );
    const pings = pingWhile(pinger, hub, arrived);
    await Promise.all([published, arrived]);
    fanouts.push(performance.now() - t0);
    during.push(...(await pings));
  }
  during.sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2);
  const row = (name: string, t: number[]) =>
    `  ${name.padEnd(16)} n=${t.length}  p50 ${f(quantile(t, 0.5))} ms  p99 ${f(quantile(t, 0.99))} ms  max ${f(t.at(-1) ?? Number.NaN)} ms`;
  console.log(
    `Fan-out: one publish to ${SUBSCRIBERS} subscribers, ${ROUNDS} rounds, a ping to the hub every ` +
      `${INTERVAL_MS} ms; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}; data in ${dir}`,
  );
  console.log(row("pings alone", base));
  console.log(row("pings in fan-out", during));
  console.log(
    `  fan-out (publish → last subscriber notified): ${fanouts.map((t) => `${f(t)} ms`).join(", ")}`,
  );
  console.log(
    `  ratio in fan-out / alone: p50 ${f(quantile(during, 0.5) / quantile(base, 0.5))}x, ` +
      `max ${f((during.at(-1) ?? Number.NaN) / (base.at(-1) ?? Number.NaN))}x; ` +
      `pings answered during the fan-outs: ${during.length}`,
  );
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(`bench:fanout failed: ${(error as Error).stack ?? error}`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}
