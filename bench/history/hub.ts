/* xiot fed as users run it ("hub" in the report): one real Prosody and the real `xiot hub` child
 * process; each device is an XMPP account that publishes its batches as readings items to its own
 * readings node (docs/design.md §2), one publish at a time, each acknowledged before the next, so
 * the hub validates, stores the item and writes its readings into history in one commit, as in
 * production. Queries go over XMPP too, as the history query (urn:xiot:history:0,
 * docs/history.md) from an account the hub has as admin, with JSON entries (`format='json'`): raw
 * and 1-hour pages through RSM, the maximum over 100 channels as one `summary` query per device,
 * sent together.
 *
 * - Prosody's per-session read rate (mod_limits, `c2sRate`) is off: it paces one session against
 *   the others (BENCHMARKS.md "Flood"), and the peers' HTTP ingestion has no such limit.
 * - Compaction is the hub's own: its retention loop seals every window (the data ends at least
 *   70 minutes before now, on a window boundary, so that every window is due); the benchmark
 *   waits until the head table is empty. No VACUUM: the hub never runs one.
 * - Bytes: the pages of the history tables in the hub's file (SQLite's dbstat), not its readings
 *   items, which the node keeps as its live window whatever history holds.
 * References: bench/flood/stack.ts (the same stack), hub/history/wiring.ts (the retention loop). */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import type { Retention } from "../../hub/history/types";
import { makeReadingsPayload } from "../../shared/exi/payload";
import type { JsonObject, JsonValue } from "../../shared/exi/types";
import { silentLogger } from "../../shared/log";
import { readingsNode } from "../../shared/model";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import { type HistoryRequest, makeHistoryQuery, parseHistoryAnswer } from "../../shared/xmpp/history";
import { makePublish } from "../../shared/xmpp/pubsub";
import { makeCreate } from "../../shared/xmpp/pubsub-owner";
import { registerAccount } from "../../shared/xmpp/register";
import { type Child, spawnReady } from "../pubsub/children";
import { hubCommand } from "../pubsub/processes";
import { type BenchServer, startBenchServer } from "../pubsub/prosody";
import type { Batch, SeriesRef } from "./data";
import type { Engine } from "./engine";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DOMAIN = "localhost";
const PASSWORD = "bench history password";
const READER = "reader";
const BOOT = "1.bench";
const IQ_TIMEOUT = 120_000;
const SEAL_TIMEOUT = 30 * 60_000;

/** Days as the hub's duration syntax; the hub's default for a tier that is forever. */
const duration = (ms: number): string => (Number.isFinite(ms) ? `${Math.ceil(ms / 86_400_000)}d` : "forever");

export function hubEngine(dir: string, devices: readonly string[], retention: Retention): Engine {
  const file = join(dir, "hub", "hub.sqlite");
  const log = silentLogger();
  const stops: (() => Promise<unknown>)[] = [];
  const clients = new Map<string, ClientConnection>();
  const seqs = new Map<string, number>();
  let server: BenchServer | undefined;
  let reader: ClientConnection | undefined;
  let hubJid = "";
  let queries = 0;

  const connect = async (username: string): Promise<ClientConnection> => {
    const config = { service: server?.c2s as string, domain: DOMAIN, username, password: PASSWORD };
    await registerAccount({ config, log });
    const c = createClient({ config: { ...config, resource: "bench" }, log });
    stops.push(() => c.stop());
    await c.start();
    return c;
  };

  /** Every page of a history query; the series' entries of every page, in order. */
  async function ask(r: HistoryRequest) {
    const entries: { points: number; buckets: { max?: number }[] } = { points: 0, buckets: [] };
    let after: string | undefined;
    do {
      const iq = makeHistoryQuery(hubJid, `q${++queries}`, { ...r, json: true, ...(after ? { after } : {}) });
      const answer = await (reader as ClientConnection).request(iq, IQ_TIMEOUT);
      const parsed = parseHistoryAnswer(answer.getChild("query") ?? answer);
      if (!parsed.ok) throw new Error(`history answer: ${parsed.text}`);
      for (const s of parsed.value.series) {
        entries.points += s.points.length;
        entries.buckets.push(...s.buckets);
      }
      after = parsed.value.next;
    } while (after);
    return entries;
  }

  /** Whether the hub's head table still holds readings (windows not sealed yet). */
  const unsealed = (): boolean => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT EXISTS (SELECT 1 FROM history_chunk_frag)").pluck().get() === 1;
    } finally {
      db.close();
    }
  };

  return {
    name: "xiot hub",
    feed: "XMPP publishes via Prosody",
    async start() {
      const prosodyDir = join(dir, "prosody");
      mkdirSync(prosodyDir, { recursive: true });
      server = await startBenchServer({ dir: prosodyDir, domain: DOMAIN, admins: [], log, c2sRate: "off" });
      stops.push(() => (server as BenchServer).prosody.stop());
      hubJid = server.components.hub.jid;
      const hub: Child = await spawnReady(
        "hub",
        hubCommand(ROOT, server, "hub", join(dir, "hub"), [
          ...["--http.port", "0", "--hub.admins", `${READER}@${DOMAIN}`],
          ...["--history.retention.raw", duration(retention.raw)],
          ...["--history.retention.1m", duration(retention["1m"])],
          ...["--history.retention.1h", duration(retention["1h"])],
        ]),
        { cwd: ROOT },
      );
      stops.push(() => hub.stop());
      for (const device of devices) {
        const c = await connect(device);
        await c.request(makeCreate(hubJid, readingsNode(device)), IQ_TIMEOUT);
        clients.set(device, c);
      }
      reader = await connect(READER);
    },
    prepare(batch: Batch) {
      const seq = seqs.get(batch.device) ?? 0;
      seqs.set(batch.device, seq + 1);
      const doc: JsonObject = {
        v: 1,
        dev: batch.device,
        boot: BOOT,
        seq,
        clk: "sync",
        r: batch.readings as unknown as JsonValue,
      };
      const iq = makePublish(hubJid, readingsNode(batch.device), makeReadingsPayload(doc), {
        id: `${BOOT}-${seq}`,
      });
      const client = clients.get(batch.device) as ClientConnection;
      return async () => {
        const answer = await client.request(iq, IQ_TIMEOUT);
        if (answer.attrs.type === "error") throw new Error(`publish refused: ${answer.toString()}`);
      };
    },
    async compact() {
      const deadline = Date.now() + SEAL_TIMEOUT;
      while (unsealed()) {
        if (Date.now() > deadline) throw new Error("the hub left readings unsealed");
        await new Promise((resolve) => setTimeout(resolve, 250)); // polls another process's file
      }
    },
    async bytes() {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return db
          .prepare(
            `SELECT coalesce(sum(d.pgsize), 0) FROM dbstat d JOIN sqlite_schema s ON s.name = d.name
             WHERE s.tbl_name LIKE 'history%'`,
          )
          .pluck()
          .get() as number;
      } finally {
        db.close();
      }
    },
    async raw(s: SeriesRef, from: number, to: number) {
      const r = { device: s.device, channels: [s.channel], from, to, resolution: "raw" as const };
      return (await ask(r)).points;
    },
    async hourly(s: SeriesRef, from: number, to: number) {
      const r = { device: s.device, channels: [s.channel], from, to, resolution: "1h" as const };
      return (await ask(r)).buckets.length;
    },
    async max(series: readonly SeriesRef[], from: number, to: number) {
      const byDevice = new Map<string, string[]>();
      for (const s of series) byDevice.set(s.device, [...(byDevice.get(s.device) ?? []), s.channel]);
      const answers = await Promise.all(
        [...byDevice].map(([device, channels]) =>
          ask({ device, channels, from, to, resolution: "1h", summary: true }),
        ),
      );
      let max = Number.NEGATIVE_INFINITY;
      for (const a of answers) for (const b of a.buckets) if ((b.max ?? max) > max) max = b.max ?? max;
      return max;
    },
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      stops.length = 0;
      clients.clear();
    },
  };
}
