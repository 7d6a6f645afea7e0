import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { makeReadingsPayload } from "../../../../shared/exi/payload";
import {
  NS_DISCO_ITEMS,
  NS_PUBSUB,
  NS_PUBSUB_EVENT,
  NS_RSM,
  NS_XIOT_AVAILABILITY,
  NS_XIOT_META,
  NS_XIOT_PROVISIONING,
  NS_XIOT_STATE,
} from "../../../../shared/xmpp/ns";
import { makeItems, parseItemsResult } from "../../../../shared/xmpp/pubsub";
import {
  asAvailability,
  decodeReadings,
  makeMetaPayload,
  makeStatePayload,
  parseAvailability,
  parseMeta,
  parseState,
} from "../../../../shared/xmpp/pubsub-device";
import {
  makeDeviceList,
  makeDiscoItems,
  parseDeviceList,
  parseDiscoDevices,
} from "../../../../shared/xmpp/pubsub-discovery";
import { parseItemsEvent } from "../../../../shared/xmpp/pubsub-events";

const doc = {
  v: 1,
  dev: "sim-1",
  boot: "3.ab",
  seq: 7,
  clk: "sync",
  r: [{ c: "temperature", t: 1000, v: 21.5 }],
};

describe("device items and discovery", () => {
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
    const none = {
      model: "",
      state: "",
      role: "",
      owner: undefined,
      since: undefined,
      lastReading: undefined,
    };
    expect(parseDeviceList(list)).toStrictEqual([
      { id: "a", ...none, availability: "online" },
      { id: "b", ...none, availability: "bogus" },
    ]);
    expect(parseDeviceList(xml("iq", { type: "result" }))).toBeUndefined();
    expect(["online", "offline", "stale", "bogus", undefined].map(asAvailability)).toEqual([
      "online",
      "offline",
      "stale",
      undefined,
      undefined,
    ]);
    expect(makeDiscoItems("hub.x").toString()).toBe(
      `<iq type="get" to="hub.x"><query xmlns="http://jabber.org/protocol/disco#items"/></iq>`,
    );
    expect(makeDeviceList("hub.x").toString()).toBe(
      `<iq type="get" to="hub.x"><devices xmlns="urn:xiot:provisioning:0"/></iq>`,
    );
  });

  it("asks for a page of items with RSM and reads the page", () => {
    const iq = makeItems("hub.x", "devices/d/readings", { page: { max: 50, after: "3.ab-9" } });
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
    const page = parseItemsResult(answer);
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
    expect(parseItemsEvent(message)?.node).toBe("devices/d/state");
    expect(parseItemsEvent(xml("message", {}, xml("body", {}, "hi")))).toBeUndefined();
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

  it("writes meta and state items as JSON in xiot's namespaces", () => {
    const meta = { v: 1 as const, dev: "d", model: "m", version: "1", channels: [], actuators: [] };
    expect(makeMetaPayload(meta).toString()).toBe(
      `<meta xmlns="urn:xiot:meta:0">${JSON.stringify(meta)}</meta>`,
    );
    const state = {
      v: 1 as const,
      dev: "d",
      boot: "b",
      version: "1",
      uptime: 3,
      clk: "sync" as const,
      t: 9,
      actuators: {},
    };
    expect(makeStatePayload(state).toString()).toBe(
      `<state xmlns="urn:xiot:state:0">${JSON.stringify(state)}</state>`,
    );
    expect(parseMeta(xml("item", {}, makeMetaPayload(meta)))).toEqual({
      model: "m",
      channels: [],
      actuators: [],
    });
  });
});
