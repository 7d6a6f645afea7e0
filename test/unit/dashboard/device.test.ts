/* DeviceFeed's first paint and range changes against a fake hub and a card that records what it is
 * told: history first, the readings items of a hub without history, live readings held while a
 * range loads, and never an actuator's state from readings.
 * References: docs/history.md, XEP-0060 §6.5 (items), RFC 6120 §8.3.3.19 (service-unavailable). */
import xml, { type Element } from "@xmpp/xml";
import { afterEach, describe, expect, it } from "vitest";
import { DeviceFeed } from "../../../dashboard/device";
import type { DeviceCard } from "../../../dashboard/view/device-card";
import { makeReadingsPayload } from "../../../shared/exi/payload";
import { readingsNode } from "../../../shared/model";
import { makeHistoryAnswer, parseHistoryQuery, pointElement } from "../../../shared/xmpp/history";
import { NS_PUBSUB, NS_XIOT_HISTORY } from "../../../shared/xmpp/ns";
import { StanzaError } from "../../../shared/xmpp/stanza-error";

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const DEVICE = "sim-1";

const readingsItem = (t: number, v: number | boolean, c = "temperature") =>
  xml(
    "item",
    { id: `i${t}` },
    makeReadingsPayload({ v: 1, dev: DEVICE, boot: "1.a", seq: t, clk: "sync", r: [{ c, t, v }] }, "json"),
  );

/** The card's calls, in order, by method name. */
function recordingCard() {
  const calls: [string, unknown][] = [];
  const record =
    (name: string) =>
    (arg?: unknown): void => {
      calls.push([name, arg]);
    };
  const card = {
    setAvailability: record("setAvailability"),
    setActuators: record("setActuators"),
    addReadings: record("addReadings"),
    showProblem: record("showProblem"),
    setLoaded: record("setLoaded"),
    startRange: record("startRange"),
    showHistory: record("showHistory"),
    setRange: (key: string, source: string) => calls.push(["setRange", `${key} ${source}`]),
    setMeta: record("setMeta"),
    channelNames: () => ["temperature"],
  };
  return { card: card as unknown as DeviceCard, calls, named: (n: string) => calls.filter(([c]) => c === n) };
}

/** A hub: history answered by `history` (or refused), readings items as given, the rest empty. */
function fakeSession(history: ((iq: Element) => Promise<Element>) | "refused", items: Element[] = []) {
  const asked: string[] = [];
  const request = async (iq: Element): Promise<Element> => {
    const query = iq.getChild("query", NS_XIOT_HISTORY);
    if (query) {
      asked.push("history");
      if (history === "refused")
        throw new StanzaError(
          "service-unavailable",
          "cancel",
          undefined,
          xml("iq", { type: "error" }),
          undefined,
        );
      return history(iq);
    }
    const node = iq.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.attrs.node as string | undefined;
    if (node !== undefined) asked.push(`items ${node}`);
    const found = node === readingsNode(DEVICE) ? items : [];
    return xml(
      "iq",
      { type: "result" },
      xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node }, ...found)),
    );
  };
  return { session: { request, jid: () => "demo@localhost" }, asked };
}

const rawAnswer = (iq: Element, points: [number, number][]) => {
  const q = parseHistoryQuery(iq.getChild("query") as Element, NOW);
  if (!q.ok) throw new Error(q.text);
  const entries = new Map([["temperature", points.map(([t, v]) => pointElement({ t, v }))]]);
  return xml(
    "iq",
    { type: "result" },
    makeHistoryAnswer({ device: DEVICE, resolution: "raw", series: [] }, entries),
  );
};

let feed: DeviceFeed | undefined;
afterEach(() => feed?.close());

function open(history: Parameters<typeof fakeSession>[0], items: Element[] = []) {
  const rec = recordingCard();
  const hub = fakeSession(history, items);
  feed = new DeviceFeed({
    id: DEVICE,
    hub: "hub.localhost",
    domain: "localhost",
    session: hub.session,
    card: rec.card,
    now: () => NOW,
  });
  return { ...rec, ...hub, feed };
}

describe("a device card's first paint", () => {
  it("comes from the hub's history of the last hour, raw, without asking for readings items", async () => {
    const f = open(async (iq) => rawAnswer(iq, [[NOW - 1000, 21.5]]));
    await f.feed.open();
    expect(f.asked).not.toContain(`items ${readingsNode(DEVICE)}`);
    expect(f.named("startRange")).toEqual([
      [
        "startRange",
        {
          resolution: "raw",
          coveredUntil: NOW,
          windowMs: 3_600_000,
          maxPoints: expect.any(Number),
          span: { from: NOW - 3_600_000, to: NOW },
        },
      ],
    ]);
    expect(f.named("showHistory")).toEqual([
      ["showHistory", [{ channel: "temperature", points: [{ t: NOW - 1000, v: 21.5 }], buckets: [] }]],
    ]);
    expect(f.named("setRange")).toEqual([["setRange", "1h history"]]);
    expect(f.named("showProblem")).toEqual([["showProblem", undefined]]);
  });

  it("falls back to the last readings items when the hub has no history, and says nothing alarming", async () => {
    const f = open("refused", [readingsItem(NOW - 2000, 20), readingsItem(NOW - 1000, true, "relay")]);
    await f.feed.open();
    expect(f.asked).toContain(`items ${readingsNode(DEVICE)}`);
    expect(f.named("setRange")).toEqual([["setRange", "1h items"]]);
    expect(f.named("addReadings").map(([, r]) => r)).toEqual([
      [{ c: "temperature", t: NOW - 2000, v: 20 }],
      [{ c: "relay", t: NOW - 1000, v: true }],
    ]);
    // A relay reading draws at most a chart: the switch only follows the state item.
    expect(f.named("setActuators")).toEqual([]);
    expect(f.named("showProblem")).toEqual([["showProblem", undefined]]);
  });
});

describe("changing the range", () => {
  it("holds live readings while the range loads and draws them after it, on a live range only", async () => {
    const gate: { answer?: () => void } = {};
    const f = open(
      (iq) =>
        new Promise((resolve) => {
          gate.answer = () => resolve(rawAnswer(iq, [[NOW - 5000, 19]]));
        }),
    );
    const release = () => gate.answer?.();
    const opening = f.feed.open();
    await expect.poll(() => gate.answer).toBeDefined();
    f.feed.onItems(readingsNode(DEVICE), [readingsItem(NOW + 1000, 22)]);
    expect(f.named("addReadings")).toEqual([]); // not before the history it follows
    release();
    await opening;
    expect(f.calls.map(([c]) => c).filter((c) => c === "showHistory" || c === "addReadings")).toEqual([
      "showHistory",
      "addReadings",
    ]);

    gate.answer = undefined;
    const changing = f.feed.setRange({ key: "7d" });
    await expect.poll(() => gate.answer).toBeDefined();
    release();
    await changing;
    expect(f.named("setRange").at(-1)).toEqual(["setRange", "7d history"]);
    const drawn = f.named("addReadings").length;
    f.feed.onItems(readingsNode(DEVICE), [readingsItem(NOW + 2000, 23)]);
    expect(f.named("addReadings").length).toBe(drawn); // 7 d is a fixed range: it stays as answered
  });

  it("drops the answer of a range that was replaced while it loaded", async () => {
    const pending: (() => void)[] = [];
    const f = open(
      (iq) =>
        new Promise((resolve) => {
          pending.push(() => resolve(rawAnswer(iq, [[NOW - 1000, 1]])));
        }),
    );
    const first = f.feed.setRange({ key: "30d" });
    const second = f.feed.setRange({ key: "24h" });
    await expect.poll(() => pending.length).toBe(2);
    pending[1]?.();
    await second;
    pending[0]?.();
    await first;
    expect(f.named("setRange")).toEqual([["setRange", "24h history"]]);
  });
});
