import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import {
  decodeReadings,
  makeItemsPage,
  parseAvailability,
  parseDeviceList,
  parseDiscoDevices,
  parseEvent,
  parseItemsPage,
  parseMeta,
  parseState,
} from "../../../dashboard/xmpp/stanzas";
import { makeReadingsPayload } from "../../../shared/exi/payload";
import {
  NS_DISCO_ITEMS,
  NS_PUBSUB,
  NS_PUBSUB_EVENT,
  NS_RSM,
  NS_XIOT_AVAILABILITY,
  NS_XIOT_META,
  NS_XIOT_PROVISIONING,
  NS_XIOT_STATE,
} from "../../../shared/xmpp/ns";

const doc = {
  v: 1,
  dev: "sim-1",
  boot: "3.ab",
  seq: 7,
  clk: "sync",
  r: [{ c: "temperature", t: 1000, v: 21.5 }],
};

describe("dashboard stanzas", () => {
  it("finds device ids in the hub's disco#items and device list", () => {
    const disco = xml(
      "iq",
      { type: "result" },
      xml(
        "query",
        { xmlns: NS_DISCO_ITEMS },
        xml("item", { jid: "hub.localhost", node: "devices/sim-1/readings" }),
        xml("item", { jid: "hub.localhost", node: "devices/sim-1/meta" }),
        xml("item", { jid: "hub.localhost", node: "devices/k-2/state" }),
        xml("item", { jid: "hub.localhost", node: "weather" }),
      ),
    );
    expect(parseDiscoDevices(disco)).toEqual(["sim-1", "k-2"]);
    const list = xml(
      "iq",
      { type: "result" },
      xml(
        "devices",
        { xmlns: NS_XIOT_PROVISIONING },
        xml("device", { id: "a", availability: "online" }),
        xml("device", { id: "b", availability: "bogus" }),
      ),
    );
    expect(parseDeviceList(list)).toEqual([
      { id: "a", availability: "online" },
      { id: "b", availability: undefined },
    ]);
  });

  it("asks for a page of items with RSM and reads the page", () => {
    const iq = makeItemsPage("hub.x", "devices/d/readings", 50, "3.ab-9");
    const set = iq.getChild("pubsub", NS_PUBSUB)?.getChild("set", NS_RSM);
    expect(set?.getChildText("max")).toBe("50");
    expect(set?.getChildText("after")).toBe("3.ab-9");
    const answer = xml(
      "iq",
      { type: "result" },
      xml(
        "pubsub",
        { xmlns: NS_PUBSUB },
        xml("items", { node: "n" }, xml("item", { id: "a" }), xml("item", { id: "b" })),
        xml("set", { xmlns: NS_RSM }, xml("first", {}, "a"), xml("last", {}, "b"), xml("count", {}, "9")),
      ),
    );
    const page = parseItemsPage(answer);
    expect(page.items.map((i) => i.attrs.id)).toEqual(["a", "b"]);
    expect(page.last).toBe("b");
    expect(page.count).toBe(9);
  });

  it("decodes EXI4JSON and JSON readings items and reports bad ones", () => {
    for (const encoding of ["exi4json", "json"] as const) {
      const item = xml("item", { id: "3.ab-7" }, makeReadingsPayload(doc, encoding));
      const decoded = decodeReadings(item);
      expect(decoded.ok && decoded.value).toEqual(doc);
    }
    const bad = decodeReadings(
      xml("item", {}, xml("readings", { xmlns: "urn:xiot:readings:0", encoding: "exi4json" }, "@@")),
    );
    expect(bad.ok).toBe(false);
    const wrongVersion = decodeReadings(xml("item", {}, makeReadingsPayload({ ...doc, v: 9 }, "json")));
    expect(!wrongVersion.ok && wrongVersion.error).toMatch(/version/);
  });

  it("reads notifications, meta, state and availability items", () => {
    const message = xml(
      "message",
      { from: "hub.x" },
      xml(
        "event",
        { xmlns: NS_PUBSUB_EVENT },
        xml("items", { node: "devices/d/state" }, xml("item", { id: "current" })),
      ),
    );
    expect(parseEvent(message)?.node).toBe("devices/d/state");
    expect(parseEvent(xml("message", {}, xml("body", {}, "hi")))).toBeUndefined();
    const meta = parseMeta(
      xml(
        "item",
        {},
        xml(
          "meta",
          { xmlns: NS_XIOT_META },
          JSON.stringify({
            model: "m",
            channels: [{ name: "t", unit: "°C" }],
            actuators: [{ name: "relay", valueType: "boolean" }],
          }),
        ),
      ),
    );
    expect(meta).toEqual({
      model: "m",
      channels: [{ name: "t", unit: "°C" }],
      actuators: [{ name: "relay", valueType: "boolean" }],
    });
    expect(parseMeta(xml("item", {}, xml("meta", { xmlns: NS_XIOT_META }, "{not json")))).toBeUndefined();
    const state = parseState(
      xml(
        "item",
        {},
        xml(
          "state",
          { xmlns: NS_XIOT_STATE },
          JSON.stringify({ uptime: 5, actuators: { relay: { v: true } } }),
        ),
      ),
    );
    expect(state).toEqual({ uptime: 5, actuators: { relay: { v: true } } });
    const availability = parseAvailability(
      xml(
        "item",
        {},
        xml("availability", {
          xmlns: NS_XIOT_AVAILABILITY,
          state: "stale",
          since: "2026-01-01T00:00:00Z",
          reason: "silence",
        }),
      ),
    );
    expect(availability).toEqual({ state: "stale", since: "2026-01-01T00:00:00Z", reason: "silence" });
    expect(
      parseAvailability(
        xml("item", {}, xml("availability", { xmlns: NS_XIOT_AVAILABILITY, state: "maybe" })),
      ),
    ).toBeUndefined();
  });
});
