import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import type { IqContext, IqRoute } from "../../../hub/iq-types";
import {
  countAllSubscriptions,
  createHubMetrics,
  meterDeliveries,
  meterPublishes,
  nodeKind,
} from "../../../hub/metrics";
import { NS_PUBSUB, NS_PUBSUB_EVENT } from "../../../shared/xmpp/ns";

const value = (text: string, line: string) => {
  const found = text.split("\n").find((l) => l.startsWith(line));
  return found === undefined ? undefined : Number(found.slice(line.length).trim());
};

function publishIq(node: string, items: number): IqContext {
  const child = xml(
    "pubsub",
    { xmlns: NS_PUBSUB },
    xml("publish", { node }, ...Array.from({ length: items }, (_, i) => xml("item", { id: `i${i}` }))),
  );
  return { from: "a@x/r", to: "hub.x", id: "1", type: "set", stanza: xml("iq", {}, child), child };
}

describe("hub metrics", () => {
  it("labels node kinds", () => {
    expect(nodeKind("devices/sim-1/readings")).toBe("readings");
    expect(nodeKind("devices/sim-1/availability")).toBe("availability");
    expect(nodeKind("weather")).toBe("other");
  });

  it("counts acknowledged publishes, not refused ones", async () => {
    const metrics = createHubMetrics({}, { defaults: false });
    let refuse = false;
    const route: IqRoute = {
      type: "set",
      ns: NS_PUBSUB,
      name: "pubsub",
      handler: () => (refuse ? xml("error", { type: "cancel" }) : undefined),
    };
    const [wrapped] = meterPublishes([route], metrics);
    await wrapped!.handler(publishIq("devices/d/readings", 1));
    await wrapped!.handler(publishIq("devices/d/readings", 3));
    refuse = true;
    await wrapped!.handler(publishIq("devices/d/readings", 5));
    await wrapped!.handler(publishIq("other", 1));
    const text = await metrics.text();
    expect(value(text, 'xiot_pubsub_publishes_total{kind="readings"}')).toBe(4);
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
