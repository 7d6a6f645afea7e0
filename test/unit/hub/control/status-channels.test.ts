/* `status` shows every channel. A readings document carries only the channels sampled
 * in its window (the simulated device polls temperature every second and humidity every 5 s),
 * so the newest document alone often has no humidity; status must show each channel's newest
 * value from the readings node, whatever document carried it, and never an older one. */
import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { createDeviceInfo } from "../../../../hub/control/device-info";
import { statusTable } from "../../../../hub/control/text";
import { BASE_NODE_CONFIG } from "../../../../hub/pubsub/node-config";
import { createMemoryStore } from "../../../../hub/pubsub/storage/memory";
import { makeReadingsPayload } from "../../../../shared/exi/payload";
import { metaNode, readingsNode } from "../../../../shared/model";
import { NS_XIOT_META } from "../../../../shared/xmpp/ns";

const NOW = Date.parse("2026-12-02T16:41:00Z");
const META = {
  v: 1,
  dev: "sim-1",
  model: "xiot-simulated",
  channels: [
    { name: "temperature", kind: "temperature", unit: "°C", valueType: "number" },
    { name: "humidity", kind: "humidity", unit: "%", valueType: "number" },
  ],
  actuators: [{ name: "relay", kind: "switch", valueType: "boolean", safeState: false }],
};

type R = { c: string; t: number; v: number };

async function deviceWith(documents: R[][], metaFirst = true) {
  const store = createMemoryStore();
  for (const id of [metaNode("sim-1"), readingsNode("sim-1")]) {
    const node = { id, config: BASE_NODE_CONFIG, creator: "hub.localhost", created: NOW };
    await store.createNode(node, "hub.localhost");
  }
  const put = (node: string, id: string, payload: string, published: number) =>
    store.putItem(node, { id, payload, publisher: "sim-1@localhost/agent", published }, { maxItems: 1000 });
  const meta = () =>
    put(
      metaNode("sim-1"),
      "current",
      xml("meta", { xmlns: NS_XIOT_META }, JSON.stringify(META)).toString(),
      NOW,
    );
  if (metaFirst) await meta();
  for (const [seq, r] of documents.entries()) {
    const doc = { v: 1, dev: "sim-1", boot: "1.abcdef", seq, clk: "sync", r };
    await put(readingsNode("sim-1"), `1.abcdef-${seq}`, makeReadingsPayload(doc).toString(), NOW + seq);
  }
  if (!metaFirst) await meta();
  return createDeviceInfo(store);
}

const temperature = (t: number, v: number): R => ({ c: "temperature", t, v });
const humidity = (t: number, v: number): R => ({ c: "humidity", t, v });

describe("status shows every channel's newest value", () => {
  it("keeps humidity when the newest documents carry only temperature", async () => {
    const info = await deviceWith([
      [temperature(NOW - 5000, 21), humidity(NOW - 5000, 45.5)],
      [temperature(NOW - 4000, 21.1)],
      [temperature(NOW - 3000, 21.2)],
    ]);
    const snapshot = await info.snapshot("sim-1");
    expect(snapshot.readings.get("humidity")).toMatchObject({ v: 45.5, t: NOW - 5000 });
    expect(snapshot.readings.get("temperature")).toMatchObject({ v: 21.2, t: NOW - 3000 });
    const table = statusTable({ device: "sim-1", availability: "online", since: undefined, snapshot }, NOW);
    expect(table).toMatch(/^humidity\s+45\.5 %\s+16:40:55Z$/m);
    expect(table).toMatch(/^temperature\s+21\.2 °C\s+16:40:57Z$/m);
  });

  it("reads the same whether meta arrived before or after the readings", async () => {
    const docs = [[humidity(NOW - 9000, 44)], [temperature(NOW - 1000, 20)]];
    const before = await (await deviceWith(docs, true)).snapshot("sim-1");
    const after = await (await deviceWith(docs, false)).snapshot("sim-1");
    expect(after.readings).toEqual(before.readings);
    expect(after.readings.get("humidity")?.v).toBe(44);
  });

  it("takes the newest reading by time, not the one in the newest document (an outbox drained late)", async () => {
    const info = await deviceWith([
      [humidity(NOW - 2000, 50), temperature(NOW - 2000, 22)],
      // A batch from before, published after (the outbox drained it after a reconnect).
      [humidity(NOW - 60_000, 40), temperature(NOW - 60_000, 19)],
    ]);
    const snapshot = await info.snapshot("sim-1");
    expect(snapshot.readings.get("humidity")?.v).toBe(50);
    expect(snapshot.readings.get("temperature")?.v).toBe(22);
  });

  it("finds a channel that reported a page of documents ago", async () => {
    const docs: R[][] = [[humidity(NOW - 200_000, 47)]];
    for (let i = 0; i < 120; i++) docs.push([temperature(NOW - 120_000 + i * 1000, 21)]);
    const snapshot = await (await deviceWith(docs)).snapshot("sim-1");
    expect(snapshot.readings.get("humidity")?.v).toBe(47);
  });
});
