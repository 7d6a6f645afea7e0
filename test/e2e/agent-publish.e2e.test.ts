import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metaNode, readingsNode, stateNode } from "../../shared/model";
import { NS_XIOT_META, NS_XIOT_STATE } from "../../shared/xmpp/ns";
import { makeSubscribe } from "../../shared/xmpp/pubsub";
import { parseItemsEvent } from "../../shared/xmpp/pubsub-events";
import {
  appended,
  decodeItem,
  eventually,
  fetchAllItems,
  produced,
  readingKey,
  runAgent,
} from "../helpers/agent/e2e";
import { startServer, type TestServer } from "./server";

describe("xiot agent publishes readings through the hub", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    await server.hub();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a subscriber decodes the simulated readings, exactly as the drivers produced them", async () => {
    const device = await server.register(`agent-pub-${process.pid}`);
    const watcher = await server.register();
    const run = runAgent({
      server,
      account: device,
      allow: [watcher.jid],
      extra: [
        "--batch.maxDelayMs",
        "300",
        "--channels.temperature.intervalMs",
        "100",
        "--channels.humidity.intervalMs",
        "150",
      ],
    });
    const ready = await run.proc.ready<Record<string, unknown>>(30_000);
    expect(ready).toEqual({
      ready: true,
      jid: `${device.username}@localhost/agent`,
      device: device.username,
    });

    const subscriber = await server.client(watcher);
    const node = readingsNode(device.username);
    const notified: Element[] = [];
    subscriber.xmpp.on("stanza", (s) => {
      const event = parseItemsEvent(s);
      if (event?.node === node) notified.push(...event.items);
    });
    await subscriber.request(makeSubscribe("hub.localhost", node, watcher.jid));
    await eventually(() => notified.length >= 4, 20_000);

    const docs = notified.map(decodeItem);
    const producedKeys = new Set(produced(run.stateDir).map(readingKey));
    for (const [i, doc] of docs.entries()) {
      expect(notified[i]?.attrs.id).toBe(`${doc.boot}-${doc.seq}`);
      expect(doc.dev).toBe(device.username);
      expect(doc.r.length).toBeGreaterThan(0);
      for (const r of doc.r) expect(producedKeys.has(readingKey(r))).toBe(true);
    }
    const channels = new Set(docs.flatMap((d) => d.r.map((r) => r.c)));
    expect(channels.has("temperature")).toBe(true);
    expect(channels.has("humidity")).toBe(true);
    expect(notified[0]?.getChild("readings")?.attrs.encoding).toBe("exi4json");

    const [meta] = await fetchAllItems(subscriber, "hub.localhost", metaNode(device.username));
    const metaDoc = JSON.parse(meta?.getChildText("meta", NS_XIOT_META) ?? "{}");
    expect(metaDoc.channels.find((c: { name: string }) => c.name === "temperature")).toMatchObject({
      kind: "temperature",
      unit: "°C",
      range: { min: -40, max: 85 },
    });
    expect(metaDoc.actuators).toEqual([
      { name: "relay", kind: "switch", valueType: "boolean", safeState: false, model: "sim-relay" },
    ]);
    const [state] = await fetchAllItems(subscriber, "hub.localhost", stateNode(device.username));
    const stateDoc = JSON.parse(state?.getChildText("state", NS_XIOT_STATE) ?? "{}");
    expect(stateDoc).toMatchObject({ dev: device.username, actuators: { relay: { v: false } } });

    expect(await run.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    // After a graceful stop every appended document is on the hub, once, with its readings.
    const stored = await fetchAllItems(subscriber, "hub.localhost", node);
    const storedIds = stored.map((i) => String(i.attrs.id));
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect(storedIds.sort()).toEqual(
      appended(run.stateDir)
        .map((a) => a.id)
        .sort(),
    );
  });
});
