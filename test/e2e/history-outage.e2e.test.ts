/* An agent back after three days offline drains its outbox, and history holds every reading of
 * those days exactly once with 1-hour rollups that agree with them; a hub started with shorter
 * retention then drops from each tier what is past it, and nothing else. Real Prosody, hub and
 * `xiot agent`; the outbox of the three days is written with the agent's own outbox store, one
 * document per hour, one reading a minute per channel.
 * References: docs/history.md (tiers, retention, late readings). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFileOutboxStore } from "../../agent/outbox/file";
import { bucketStart } from "../../hub/history/buckets";
import { DAY, HOUR, MINUTE } from "../../hub/history/types";
import { encode } from "../../shared/exi";
import type { JsonObject } from "../../shared/exi/types";
import { itemId, type Reading, readingsNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { eventually, fetchAllItems, readingKey, runAgent } from "../helpers/agent/e2e";
import { allPages, pointsOf } from "../helpers/history";
import { type Account, startServer, type TestServer } from "./server";

const HUB = "hub.localhost";
const BOOT = "0.outage";

describe("history after three days offline", () => {
  let server: TestServer;
  let alice: Account;
  let device: Account;
  let reader: ClientConnection;
  const stateDir = mkdtempSync(join(tmpdir(), "xiot-outage-"));
  const now = Date.now();
  const start = bucketStart(now - 3 * DAY, MINUTE) + 30_000; // mid-minute: no reading on a boundary
  const readings: Reading[] = [];
  for (let t = start; t < now - MINUTE; t += MINUTE) {
    const i = readings.length / 2;
    readings.push({
      c: "temperature",
      t,
      v: Math.round((21 + 3 * Math.sin(i / 90) + ((i * 7) % 10) / 20) * 100) / 100,
    });
    readings.push({ c: "humidity", t, v: Math.round((45 + 10 * Math.cos(i / 200)) * 100) / 100 });
  }
  const perHour = 120;
  /** Queries end just after the last reading of the outage: the agent's own live readings come
   * later, and when the test starts just after an hour boundary they open a new hour bucket that
   * a range ending at `now` would include. */
  const end = (readings.at(-1)?.t ?? now) + 1;

  beforeAll(async () => {
    server = await startServer();
    alice = await server.register("alice");
    device = await server.register(`outage-${process.pid}`);
    // The outbox the agent kept while it was offline: one document per hour, oldest first.
    const store = await openFileOutboxStore({ dir: join(stateDir, "outbox") });
    for (let seq = 0; seq * perHour < readings.length; seq++) {
      const r = readings.slice(seq * perHour, (seq + 1) * perHour);
      const doc = { v: 1, dev: device.username, boot: BOOT, seq, clk: "sync", r } as unknown as JsonObject;
      const appended = await store.append(() => ({
        itemId: itemId(BOOT, seq),
        count: r.length,
        payload: encode(doc),
      }));
      expect(appended.ok).toBe(true);
    }
    await store.close();
    reader = await server.client(alice);
  });
  afterAll(async () => {
    await server?.stop();
  });

  // The hour the agent came back in also holds its live readings: only past hours are compared.
  const past = (t: number) => t + HOUR <= now;
  const hoursOf = (channel?: string) =>
    new Set(readings.filter((r) => !channel || r.c === channel).map((r) => bucketStart(r.t, HOUR))).size;

  it("holds every reading of the three days once, with hourly rollups that agree", async () => {
    const hub = await server.hub();
    try {
      const run = runAgent({ server, account: device, stateDir, allow: [alice.jid], record: false });
      await run.proc.ready(30_000);
      const documents = Math.ceil(readings.length / perHour);
      await eventually(
        async () =>
          (await fetchAllItems(reader, HUB, readingsNode(device.username))).filter((i) =>
            String(i.attrs.id).startsWith(BOOT),
          ).length === documents,
        60_000,
        500,
      );
      await run.proc.stop("SIGTERM");
      const range = { device: device.username, channels: ["temperature", "humidity"], from: start, to: end };
      const raw = pointsOf(await allPages(reader, { ...range, resolution: "raw", max: 2000 }));
      const keys = raw.map(readingKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect([...keys].sort()).toEqual(readings.map(readingKey).sort());

      const hours = (await allPages(reader, { ...range, resolution: "1h" })).flatMap((p) =>
        p.series.flatMap((s) => s.buckets.map((b) => ({ channel: s.channel, ...b }))),
      );
      expect(hours.length).toBe(2 * hoursOf("temperature"));
      for (const b of hours.filter((h) => past(h.t))) {
        const vs = readings
          .filter((r) => r.c === b.channel && bucketStart(r.t, HOUR) === b.t)
          .map((r) => r.v as number);
        expect(b.n).toBe(vs.length);
        expect(b.min).toBe(Math.min(...vs));
        expect(b.max).toBe(Math.max(...vs));
        expect(b.mean).toBeCloseTo(vs.reduce((a, v) => a + v, 0) / vs.length, 9);
      }
    } finally {
      await hub.stop();
    }
  });

  it("drops from each tier what is past its retention, and nothing else", async () => {
    const hub = await server.hub([
      ...["--history.retention.raw", "1d", "--history.retention.1m", "2d"],
      ...["--history.pruneIntervalMs", "100", "--history.pruneBatch", "500"],
    ]);
    try {
      const range = { device: device.username, channels: ["temperature"], from: start, to: end };
      let raw: Reading[] = [];
      await eventually(
        async () => {
          raw = pointsOf(await allPages(reader, { ...range, resolution: "raw", max: 2000 }));
          return (raw[0]?.t ?? 0) >= Date.now() - DAY - MINUTE;
        },
        30_000,
        300,
      );
      const checked = Date.now();
      // Raw: everything of the last day is still there, nothing older than a day.
      const recent = readings.filter((r) => r.c === "temperature" && r.t >= checked - DAY + 5 * MINUTE);
      const kept = new Set(raw.map(readingKey));
      expect(recent.every((r) => kept.has(readingKey(r)))).toBe(true);
      expect(raw.every((r) => r.t >= checked - DAY - 5 * MINUTE)).toBe(true);
      // 1-minute buckets: two days kept, the third dropped.
      let minutes: number[] = [];
      await eventually(
        async () => {
          minutes = (await allPages(reader, { ...range, resolution: "1m" })).flatMap((p) =>
            p.series.flatMap((s) => s.buckets.map((b) => b.t)),
          );
          return (minutes[0] ?? 0) >= Date.now() - 2 * DAY - 2 * MINUTE;
        },
        30_000,
        300,
      );
      expect(minutes.length).toBeGreaterThan((2 * DAY) / MINUTE - 10);
      expect(minutes.length).toBeLessThan((2 * DAY) / MINUTE + 10);
      // 1-hour buckets are kept forever: all three days.
      const hours = (await allPages(reader, { ...range, resolution: "1h" })).flatMap((p) =>
        p.series.flatMap((s) => s.buckets),
      );
      expect(hours.length).toBe(hoursOf("temperature"));
      expect(hours.filter((b) => past(b.t)).reduce((n, b) => n + b.n, 0)).toBe(
        readings.filter((r) => r.c === "temperature" && past(bucketStart(r.t, HOUR))).length,
      );
    } finally {
      await hub.stop();
    }
  });
});
