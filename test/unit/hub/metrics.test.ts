import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { createDeviceNodeRules } from "../../../hub/devices/node-rules";
import {
  countAllSubscriptions,
  countPublishes,
  createHubMetrics,
  meterDeliveries,
  nodeKind,
} from "../../../hub/metrics";
import { createPubsubService } from "../../../hub/pubsub/service";
import { createMemoryStore } from "../../../hub/pubsub/storage/memory";
import { DEFAULT_LIMITS } from "../../../hub/pubsub/types";
import { makeReadingsPayload } from "../../../shared/exi/payload";
import { NS_PUBSUB_EVENT } from "../../../shared/xmpp/ns";

const value = (text: string, line: string) => {
  const found = text.split("\n").find((l) => l.startsWith(line));
  return found === undefined ? undefined : Number(found.slice(line.length).trim());
};

function service() {
  return createPubsubService({
    store: createMemoryStore(),
    broadcaster: { broadcast: () => undefined },
    clock: { now: () => 0 },
    config: { domain: "x", admins: ["hub.x"], allowLocalUsers: true, limits: DEFAULT_LIMITS },
    rules: createDeviceNodeRules({ domain: "x" }),
  });
}

describe("hub metrics", () => {
  it("labels node kinds", () => {
    expect(nodeKind("devices/sim-1/readings")).toBe("readings");
    expect(nodeKind("devices/sim-1/availability")).toBe("availability");
    expect(nodeKind("weather")).toBe("other");
  });

  it("counts accepted publishes (republishes too), not refused ones nor the hub's own, while started", async () => {
    const metrics = createHubMetrics({}, { defaults: false });
    const pubsub = service();
    const meter = countPublishes({ events: pubsub.events, metrics, ignore: "hub.x" });
    const node = "devices/d/readings";
    expect((await pubsub.create("d@x/agent", node)).ok).toBe(true);
    // Valid readings documents (the hub checks them); the service's clock reads 0, hence unsync.
    const readings = (v: number) =>
      makeReadingsPayload(
        { v: 1, dev: "d", boot: "b1", seq: 1, clk: "unsync", r: [{ c: "temp", t: 0, v }] },
        "json",
      ).toString();
    const publish = (from: string, n: string, id: string, payload = readings(1)) =>
      pubsub.publish(from, n, { id, payload });
    await publish("d@x/agent", node, "before-start");
    meter.start();
    await publish("d@x/agent", node, "a");
    await publish("d@x/agent", node, "a");
    expect((await publish("d@x/agent", node, "a", readings(2))).ok).toBe(false);
    expect((await publish("a@x/r", node, "b")).ok).toBe(false);
    expect((await publish("hub.x", node, "c")).ok).toBe(true);
    meter.stop();
    await publish("d@x/agent", node, "after-stop");
    const text = await metrics.text();
    expect(value(text, 'xiot_pubsub_publishes_total{kind="readings"}')).toBe(2);
    expect(value(text, 'xiot_pubsub_publishes_total{kind="other"}')).toBeUndefined();
  });

  it("counts notifications with items as deliveries once sent", async () => {
    const metrics = createHubMetrics({}, { defaults: false });
    const sent: string[] = [];
    const send = meterDeliveries(async (s) => void sent.push(s.name), metrics);
    const event = (withItem: boolean) =>
      xml(
        "message",
        { to: "u@x" },
        xml(
          "event",
          { xmlns: NS_PUBSUB_EVENT },
          xml("items", { node: "n" }, ...(withItem ? [xml("item")] : [])),
        ),
      );
    await send(event(true));
    await send(event(true));
    await send(event(false));
    await send(xml("iq", { type: "result" }));
    expect(sent).toHaveLength(4);
    expect(value(await metrics.text(), "xiot_pubsub_deliveries_total")).toBe(2);
    const failing = meterDeliveries(() => Promise.reject(new Error("down")), metrics);
    await expect(failing(event(true))).rejects.toThrow("down");
    expect(value(await metrics.text(), "xiot_pubsub_deliveries_total")).toBe(2);
  });

  it("reads gauges from their sources at scrape time and counts command outcomes", async () => {
    let online = 1;
    const metrics = createHubMetrics(
      {
        subscribers: () =>
          countAllSubscriptions({
            listNodes: async () => [{ id: "a" }, { id: "b" }],
            countSubscriptions: async (n) => (n === "a" ? 2 : 5),
          }),
        devicesOnline: async () => online,
        storageFiles: () => [new URL(import.meta.url).pathname, "/nonexistent/file"],
      },
      { defaults: false },
    );
    metrics.commandOutcome("done");
    metrics.commandOutcome("done");
    metrics.commandOutcome("timeout");
    let text = await metrics.text();
    expect(value(text, "xiot_pubsub_subscriptions")).toBe(7);
    expect(value(text, "xiot_devices_online")).toBe(1);
    expect(value(text, "xiot_storage_bytes")).toBeGreaterThan(1000);
    expect(value(text, 'xiot_commands_total{outcome="done"}')).toBe(2);
    expect(value(text, 'xiot_commands_total{outcome="timeout"}')).toBe(1);
    online = 3;
    text = await metrics.text();
    expect(value(text, "xiot_devices_online")).toBe(3);
  });
});
