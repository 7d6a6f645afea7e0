/* InfluxDB 1.6 (Debian's `influxdb`) as a user process on loopback, with `wal-fsync-delay = "0s"`:
 * every write is fsynced before it is acknowledged. Fed through `/write` (line protocol, ms
 * precision); compacted by a restart with the cold durations at 1 s, so every shard is fully
 * compacted and its cache snapshotted, waiting until each shard holds one TSM file and the folders
 * settle (the active WAL segment stays: it is on disk, so it counts); queried in InfluxQL. Bytes: the data and WAL folders.
 * References: https://docs.influxdata.com/influxdb/v1.6/administration/config/#data-settings,
 * https://docs.influxdata.com/influxdb/v1.6/write_protocols/line_protocol_reference/,
 * https://docs.influxdata.com/influxdb/v1.6/query_language/. */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Batch, SeriesRef } from "./data";
import type { Engine } from "./engine";
import { folderBytes, freePort, type Proc, settle, startProc, waitFor } from "./proc";

function config(dir: string, port: number, cold: string): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${port + 1}"
[meta]
  dir = "${join(dir, "meta")}"
[data]
  dir = "${join(dir, "data")}"
  wal-dir = "${join(dir, "wal")}"
  wal-fsync-delay = "0s"
  index-version = "inmem"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "${cold}"
  compact-full-write-cold-duration = "${cold}"
[coordinator]
  query-timeout = "0s"
[retention]
  enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
  max-body-size = 0
[continuous_queries]
  enabled = false
[subscriber]
  enabled = false
`;
}

const where = (s: SeriesRef): string => `dev = '${s.device}' AND ch = '${s.channel}'`;
const span = (from: number, to: number): string => `time >= ${from}ms AND time < ${to}ms`;

/** Shards as "db/rp/shard" → TSM file names. */
function shards(data: string): string[] {
  const out: string[] = [];
  const list = (p: string) => readdirSync(p, { withFileTypes: true });
  for (const db of list(data).filter((e) => e.isDirectory() && !e.name.startsWith("_")))
    for (const rp of list(join(data, db.name)).filter((e) => e.isDirectory() && !e.name.startsWith("_")))
      for (const sh of list(join(data, db.name, rp.name)).filter((e) => e.isDirectory()))
        out.push(
          readdirSync(join(data, db.name, rp.name, sh.name))
            .sort()
            .join(","),
        );
  return out;
}

export function influxEngine(dir: string): Engine {
  const root = join(dir, "influxdb");
  let base = "";
  let port = 0;
  let proc: Proc | undefined;

  const launch = async (cold: string) => {
    const file = join(dir, `influxdb-${cold}.conf`);
    writeFileSync(file, config(root, port, cold));
    proc = startProc("influxd", ["-config", file], join(dir, "influxdb.log"));
    await waitFor("influxd", async () => (await fetch(`${base}/ping`)).status === 204);
  };
  const query = async (q: string) => {
    const res = await fetch(`${base}/query?${new URLSearchParams({ db: "bench", epoch: "ms", q })}`);
    const body = (await res.json()) as { results: { series?: { values: unknown[][] }[]; error?: string }[] };
    const r = body.results[0];
    if (!res.ok || r?.error) throw new Error(`InfluxDB query: ${res.status} ${r?.error ?? ""}`);
    return r?.series?.[0]?.values ?? [];
  };

  return {
    name: "InfluxDB",
    feed: "HTTP /write",
    async start() {
      port = await freePort();
      base = `http://127.0.0.1:${port}`;
      await launch("4h");
      const res = await fetch(`${base}/query`, {
        method: "POST",
        body: new URLSearchParams({ q: "CREATE DATABASE bench" }),
      });
      if (!res.ok) throw new Error(`InfluxDB CREATE DATABASE: ${res.status}`);
    },
    prepare(batch: Batch) {
      let body = "";
      for (const r of batch.readings) body += `reading,ch=${r.c},dev=${batch.device} v=${r.v} ${r.t}\n`;
      return async () => {
        const res = await fetch(`${base}/write?db=bench&precision=ms`, { method: "POST", body });
        if (res.status !== 204) throw new Error(`InfluxDB write: ${res.status} ${await res.text()}`);
      };
    },
    async compact() {
      await proc?.stop();
      await launch("1s");
      const data = join(root, "data");
      const done = await settle(
        () => {
          const tsm = shards(data);
          const full = tsm.every((files) => files.split(",").filter((f) => f.endsWith(".tsm")).length === 1);
          return full
            ? `${tsm.join(";")}:${folderBytes(data)}:${folderBytes(join(root, "wal"))}`
            : String(Math.random());
        },
        5,
        2000,
        1_800_000,
      );
      if (!done) console.log("InfluxDB: compaction did not settle in 30 min; measured as it is");
    },
    bytes: async () => folderBytes(join(root, "data")) + folderBytes(join(root, "wal")),
    raw: async (s, from, to) =>
      (await query(`SELECT v FROM reading WHERE ${where(s)} AND ${span(from, to)}`)).length,
    hourly: async (s, from, to) =>
      (
        await query(
          `SELECT count(v), min(v), max(v), mean(v) FROM reading WHERE ${where(s)} AND ${span(from, to)} GROUP BY time(1h) fill(none)`,
        )
      ).length,
    async max(series, from, to) {
      const any = series.map((s) => `(${where(s)})`).join(" OR ");
      const rows = await query(`SELECT max(v) FROM reading WHERE (${any}) AND ${span(from, to)}`);
      return Number(rows[0]?.[1]);
    },
    stop: async () => proc?.stop(),
  };
}
