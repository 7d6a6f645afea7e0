/* VictoriaMetrics (Debian's `victoria-metrics`) as a user process on loopback. Fed through
 * `/api/v1/import` (JSON lines, one line per series of a batch, ms timestamps); compacted with
 * `/internal/force_flush` then `/internal/force_merge`, waiting for the data folder to settle;
 * queried with `/api/v1/export` (raw samples, no interpolation), `/api/v1/query_range` with
 * `aggr_over_time` (count, min, max, avg per hour) and `/api/v1/query` (max of max_over_time),
 * all with `nocache=1`.
 * References: https://docs.victoriametrics.com/#how-to-import-data-in-json-line-format,
 * https://docs.victoriametrics.com/#forced-merge, https://docs.victoriametrics.com/metricsql/. */
import { join } from "node:path";
import type { Batch, SeriesRef } from "./data";
import type { Engine } from "./engine";
import { folderBytes, freePort, type Proc, settle, startProc, waitFor } from "./proc";

const sel = (s: SeriesRef): string => `reading{dev="${s.device}",ch="${s.channel}"}`;
const sec = (ms: number): string => (ms / 1000).toFixed(3);

export function victoriaEngine(dir: string): Engine {
  const data = join(dir, "vm-data");
  let base = "";
  let proc: Proc | undefined;

  const get = async (path: string, params: Record<string, string>): Promise<string> => {
    const res = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
    const text = await res.text();
    if (!res.ok) throw new Error(`VictoriaMetrics ${path}: ${res.status} ${text.slice(0, 200)}`);
    return text;
  };

  return {
    name: "VictoriaMetrics",
    feed: "HTTP /api/v1/import",
    async start() {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      proc = startProc(
        "victoria-metrics",
        [
          `-storageDataPath=${data}`,
          `-httpListenAddr=127.0.0.1:${port}`,
          "-retentionPeriod=100y",
          "-search.latencyOffset=0s",
          "-search.disableCache",
          "-loggerLevel=ERROR",
        ],
        join(dir, "victoria-metrics.log"),
      );
      await waitFor("victoria-metrics", async () => (await fetch(`${base}/health`)).ok);
    },
    prepare(batch: Batch) {
      const by = new Map<string, { values: number[]; timestamps: number[] }>();
      for (const r of batch.readings) {
        const s = by.get(r.c) ?? { values: [], timestamps: [] };
        by.set(r.c, s);
        s.values.push(r.v as number);
        s.timestamps.push(r.t);
      }
      const lines = [...by].map(([ch, s]) =>
        JSON.stringify({ metric: { __name__: "reading", dev: batch.device, ch }, ...s }),
      );
      const body = `${lines.join("\n")}\n`;
      return async () => {
        const res = await fetch(`${base}/api/v1/import`, { method: "POST", body });
        if (!res.ok) throw new Error(`VictoriaMetrics import: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      };
    },
    async compact() {
      await get("/internal/force_flush", {});
      await get("/internal/force_merge", {});
      // force_merge returns before the merge ends: wait until the parts stop changing.
      await settle(() => String(folderBytes(data)), 5, 2000, 900_000);
    },
    bytes: async () => folderBytes(data, (name) => name === "flock.lock"),
    async raw(s, from, to) {
      const text = await get("/api/v1/export", { "match[]": sel(s), start: sec(from), end: sec(to - 1) });
      let n = 0;
      for (const line of text.split("\n"))
        if (line) n += (JSON.parse(line) as { values: number[] }).values.length;
      return n;
    },
    async hourly(s, from, to) {
      const query = `aggr_over_time(("count_over_time","min_over_time","max_over_time","avg_over_time"), ${sel(s)}[1h])`;
      const text = await get("/api/v1/query_range", {
        query,
        start: sec(from + 3_600_000),
        end: sec(to),
        step: "1h",
        nocache: "1",
      });
      const body = JSON.parse(text) as {
        data: { result: { metric: Record<string, string>; values: unknown[] }[] };
      };
      const counts = body.data.result.find((r) => r.metric.rollup === "count_over_time");
      return counts?.values.length ?? 0;
    },
    async max(series, from, to) {
      const devices = [...new Set(series.map((s) => s.device))].join("|");
      const channels = [...new Set(series.map((s) => s.channel))].join("|");
      const window = Math.round((to - from) / 1000);
      const text = await get("/api/v1/query", {
        query: `max(max_over_time(reading{dev=~"${devices}",ch=~"${channels}"}[${window}s]))`,
        time: sec(to - 1),
        nocache: "1",
      });
      const body = JSON.parse(text) as { data: { result: { value: [number, string] }[] } };
      return Number(body.data.result[0]?.value[1]);
    },
    stop: async () => proc?.stop(),
  };
}
