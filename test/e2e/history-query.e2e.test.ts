import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketStart } from "../../hub/history/buckets";
import { MINUTE } from "../../hub/history/types";
import type { Reading } from "../../shared/model";
import { readingsNode } from "../../shared/model";
import { makeHistoryQuery } from "../../shared/xmpp/history";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import { decodeItem, eventually, fetchAllItems, readingKey, runAgent } from "../helpers/agent/e2e";
import { untilStored } from "../helpers/agent/verify";
import { runXiot } from "../helpers/cli";
import { allPages, pointsOf } from "../helpers/history";
import { type Account, startServer, type TestServer } from "./server";

const HUB = "hub.localhost";

describe("telemetry history", () => {
  let server: TestServer;
  let alice: Account;
  let eve: Account;

  beforeAll(async () => {
    server = await startServer();
    alice = await server.register("alice");
    eve = await server.register("eve");
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("holds every acknowledged reading exactly once, across a SIGKILL of the hub, with rollups that agree", async () => {
    let hub = await server.hub();
    const device = await server.register(`hist-${process.pid}`);
    const run = runAgent({
      server,
      account: device,
      allow: [alice.jid],
      extra: [
        "--batch.maxDelayMs",
        "200",
        "--channels.temperature.intervalMs",
        "50",
        "--channels.humidity.intervalMs",
        "70",
      ],
    });
    await run.proc.ready(30_000);
    const reader = await server.client(alice);
    const node = readingsNode(device.username);
    const stored = async () => (await fetchAllItems(reader, HUB, node)).length;
    await eventually(async () => (await stored()) >= 5, 30_000);

    // Killed in the middle of ingest: the agent keeps publishing while it is gone.
    hub.child.kill("SIGKILL");
    await hub.exited;
    hub = await server.hub();
    const before = await stored();
    await eventually(async () => (await stored()) >= before + 5, 30_000);
    await untilStored(reader, device.username, run.stateDir);
    await run.proc.stop("SIGTERM");
    await untilStored(reader, device.username, run.stateDir);

    const items = await fetchAllItems(reader, HUB, node);
    const acknowledged = items.flatMap((i) => decodeItem(i).r);
    const from = Math.min(...acknowledged.map((r) => r.t));
    const to = Math.max(...acknowledged.map((r) => r.t)) + 1;
    const base = { device: device.username, channels: [], from, to };

    const raw = pointsOf(await allPages(reader, { ...base, resolution: "raw", max: 400 }));
    const keys = raw.map(readingKey);
    expect(new Set(keys).size).toBe(keys.length); // nothing twice
    expect([...keys].sort()).toEqual(acknowledged.map(readingKey).sort()); // nothing lost

    // The 1-minute rollups hold exactly the raw readings of their minute.
    const minutes = (await allPages(reader, { ...base, resolution: "1m" })).flatMap((p) =>
      p.series.flatMap((s) => s.buckets.map((b) => ({ channel: s.channel, ...b }))),
    );
    for (const b of minutes) {
      const covered = raw.filter((r) => r.c === b.channel && bucketStart(r.t, MINUTE) === b.t);
      expect(b.n).toBe(covered.length);
      const values = covered.map((r) => r.v).filter((v): v is number => typeof v === "number");
      if (values.length === covered.length) {
        expect(b.min).toBe(Math.min(...values));
        expect(b.max).toBe(Math.max(...values));
      }
    }
    expect(minutes.reduce((n, b) => n + b.n, 0)).toBe(raw.length);

    // The same readings with JSON entries, and summaries that merge exactly the raw readings.
    const json = await allPages(reader, { ...base, resolution: "raw", max: 400, json: true });
    expect(json.every((p) => p.json)).toBe(true);
    expect(pointsOf(json).map(readingKey).sort()).toEqual([...keys].sort());
    const [summary] = await allPages(reader, { ...base, resolution: "raw", summary: true, json: true });
    const channels = [...new Set(raw.map((r) => r.c))].sort();
    expect(summary?.series.map((s) => s.channel)).toEqual(channels);
    for (const s of summary?.series ?? []) {
      const covered = raw.filter((r) => r.c === s.channel);
      const values = covered.map((r) => r.v).filter((v): v is number => typeof v === "number");
      expect(s.buckets).toHaveLength(1);
      expect(s.buckets[0]?.n).toBe(covered.length);
      if (values.length === covered.length) expect(s.buckets[0]?.max).toBe(Math.max(...values));
    }

    // xiot export as the reader: the same readings, one JSON line each.
    const exported = runXiot([
      "export",
      device.username,
      ...["--from", new Date(from).toISOString(), "--to", new Date(to).toISOString(), "--format", "jsonl"],
      ...["--xmpp.service", server.info.c2s, "--xmpp.domain", "localhost"],
      ...["--xmpp.username", alice.username, "--xmpp.password", alice.password],
    ]);
    expect((await exported.exited).code, exported.stderr.map((l) => l.text).join("\n")).toBe(0);
    const lines = exported.stdout.map(
      (l) => JSON.parse(l.text) as { channel: string; t: string; v: Reading["v"]; q?: string },
    );
    expect(
      lines
        .map((l) =>
          readingKey({
            c: l.channel,
            t: Date.parse(l.t),
            v: l.v,
            ...(l.q ? { q: l.q as Reading["q"] } : {}),
          }),
        )
        .sort(),
    ).toEqual([...keys].sort());

    // Someone the device is not shared with learns nothing, not even that it exists.
    const stranger = await server.client(eve);
    const refusal = (device: string) =>
      stranger.request(makeHistoryQuery(HUB, "x", { ...base, device, resolution: "raw" })).then(
        () => undefined,
        (error: unknown) => error,
      );
    for (const id of [device.username, "no-such-device"]) {
      const error = await refusal(id);
      expect(error).toBeInstanceOf(StanzaError);
      expect((error as StanzaError).condition).toBe("item-not-found");
      expect((error as StanzaError).text).toBe(`no device ${id} that you can read`);
    }
    await hub.stop();
  });
});
