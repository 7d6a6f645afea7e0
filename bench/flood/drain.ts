/* What a per-session read rate costs a legitimate bulk sender: one device drains a backlog the
 * way the agent does after an outage (documents of 40 readings, 4 channels at 1 Hz batched for
 * 10 s; agent.outbox.maxInFlight 4 publishes in flight), once per Prosody c2s rate given, each
 * against a fresh Prosody and hub. Prints documents/s, readings/s, KB/s on the wire and how long
 * a full outbox (agent.outbox.maxBytes, 32 MiB) and three days of backlog would take.
 * Run: npm run bench:flood -- --drain [--documents 3000 --rates off,96kb/s,64kb/s]
 * References: server/prosody-config.ts (mod_limits), agent/config.ts (outbox), BENCHMARKS.md "Flood". */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { makeReadingsPayload } from "../../shared/exi/payload";
import type { Logger } from "../../shared/log";
import { readingsNode } from "../../shared/model";
import { makePublish } from "../../shared/xmpp/pubsub";
import { startFloodStack } from "./stack";

const CHANNELS = ["temperature", "humidity", "pressure", "light"];
const PER_DOCUMENT = 40;
const IN_FLIGHT = 4;
const OUTBOX_BYTES = 32 * 1024 * 1024;
const THREE_DAYS_DOCUMENTS = (3 * 86_400) / 10;

export interface DrainRow {
  rate: string;
  documentsPerSecond: number;
  readingsPerSecond: number;
  wireKBps: number;
  /** Seconds to drain a full default outbox and three days of backlog at this pace. */
  fullOutboxS: number;
  threeDaysS: number;
}

function document(dev: string, seq: number, end: number) {
  const t0 = end - (seq + 1) * 10_000;
  const r = Array.from({ length: PER_DOCUMENT }, (_, k) => ({
    c: CHANNELS[k % CHANNELS.length]!,
    t: t0 + Math.floor(k / CHANNELS.length) * 1000,
    v: Math.round((20 + Math.sin(seq + k) * 5) * 100) / 100,
  }));
  return { v: 1, dev, boot: "1.drain", seq, clk: "sync", r };
}

async function drainOnce(parent: string, rate: string, documents: number, log: Logger): Promise<DrainRow> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const dir = mkdtempSync(join(parent, "drain-"));
  let ok = false;
  try {
    const stack = await startFloodStack({
      dir,
      log,
      c2sRate: rate,
      // The hub's own limit (200/s per device by default) is another cap; lifted here so that
      // only the c2s rate under test decides.
      publishRate: "1000000",
      publishBurst: "1000000",
      cleanups,
    });
    const device = await stack.device("drain-1");
    const end = Date.now();
    const stanzas = Array.from({ length: documents }, (_, seq) =>
      makePublish(stack.hubJid, readingsNode("drain-1"), makeReadingsPayload(document("drain-1", seq, end)), {
        id: `1.drain-${seq}`,
      }),
    );
    const bytes = stanzas.reduce((sum, s) => sum + Buffer.byteLength(s.toString()), 0);
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < stanzas.length) await device.request(stanzas[next++]!, 120_000);
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (performance.now() - t0) / 1000;
    ok = true;
    const perDocument = bytes / documents;
    const documentsPerSecond = documents / seconds;
    return {
      rate,
      documentsPerSecond,
      readingsPerSecond: documentsPerSecond * PER_DOCUMENT,
      wireKBps: bytes / seconds / 1000,
      fullOutboxS: OUTBOX_BYTES / perDocument / documentsPerSecond,
      threeDaysS: THREE_DAYS_DOCUMENTS / documentsPerSecond,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    // A failed run keeps its folder (Prosody's and the hub's logs) for the report.
    if (ok) rmSync(dir, { recursive: true, force: true });
    else console.error(`drain run kept in ${dir}`);
  }
}

export async function runDrain(
  parent: string,
  rates: string[],
  documents: number,
  log: Logger,
): Promise<void> {
  console.log(
    `Drain: one device publishes ${documents} documents of ${PER_DOCUMENT} readings, ${IN_FLIGHT} in flight ` +
      "(hub limits lifted), once per Prosody c2s rate",
  );
  for (const rate of rates) {
    const row = await drainOnce(parent, rate, documents, log);
    const f = (n: number, d = 1) => n.toFixed(d);
    console.log(
      `  c2s ${row.rate.padEnd(9)} ${f(row.documentsPerSecond)} documents/s  ${f(row.readingsPerSecond, 0)} readings/s  ` +
        `${f(row.wireKBps)} KB/s  full outbox (32 MiB) in ${f(row.fullOutboxS, 0)} s  3 days in ${f(row.threeDaysS, 0)} s`,
    );
  }
}
