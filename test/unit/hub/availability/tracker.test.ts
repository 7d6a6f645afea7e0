import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { readingsDeviceOf, watchReadings } from "../../../../hub/availability/observe";
import type { AvailabilityPayload } from "../../../../hub/availability/payload";
import { createAvailability, type PingOutcome } from "../../../../hub/availability/tracker";
import { createServiceEmitter } from "../../../../hub/pubsub/events";
import { silentLogger } from "../../../../shared/log";

const AGENT = "kitchen@example.org/agent";

function tracker(devices = ["kitchen"]) {
  let now = 1_000_000;
  const published: Array<[string, AvailabilityPayload]> = [];
  const pings: Array<{ jid: string; answer(outcome: PingOutcome): void }> = [];
  const t = createAvailability({
    config: { pingIntervalMs: 1000, pingTimeoutMs: 500, staleAfterMs: 5000, tickMs: 100 },
    clock: { now: () => now },
    domain: "Example.org",
    isDevice: async (id) => devices.includes(id),
    ping: (jid) => new Promise((resolve) => pings.push({ jid, answer: resolve })),
    publish: async (id, p) => void published.push([id, p]),
    log: silentLogger(),
  });
  const advance = async (ms: number) => {
    now += ms;
    t.tick();
    // Answered pings continue in promise callbacks: let them queue their events first.
    await new Promise((resolve) => setImmediate(resolve));
    await t.settled();
  };
  const presence = async (from: string, type?: string) => {
    await t.onPresence(xml("presence", { from, to: "hub.example.org", ...(type && { type }) }));
  };
  return { t, published, pings, advance, presence, states: () => published.map(([, p]) => p.state) };
}

describe("availability tracker", () => {
  it("publishes online on the agent's presence and offline on unavailable", async () => {
    const k = tracker();
    await k.presence(AGENT);
    await k.presence(AGENT, "unavailable");
    expect(k.published).toEqual([
      ["kitchen", { state: "online", since: 1_000_000, reason: "presence" }],
      ["kitchen", { state: "offline", since: 1_000_000, reason: "unavailable" }],
    ]);
  });

  it("ignores presence from other resources, unknown devices, other domains and probes", async () => {
    const k = tracker();
    await k.presence("kitchen@example.org/phone");
    await k.presence("garage@example.org/agent");
    await k.presence("kitchen@other.org/agent");
    await k.presence(AGENT, "probe");
    expect(k.published).toEqual([]);
  });

  it("pings the session every interval; an unanswered ping makes it offline", async () => {
    const k = tracker();
    await k.presence(AGENT);
    await k.advance(999);
    expect(k.pings).toHaveLength(0);
    await k.advance(1);
    expect(k.pings.map((p) => p.jid)).toEqual([AGENT]);
    await k.advance(1000); // a ping in flight is not repeated
    expect(k.pings).toHaveLength(1);
    k.pings[0]?.answer("alive");
    await k.advance(0);
    await k.advance(1000);
    expect(k.pings).toHaveLength(2);
    k.pings[1]?.answer("gone");
    await k.advance(0);
    expect(k.states()).toEqual(["online", "offline"]);
    expect(k.published[1]?.[1].reason).toBe("ping-timeout");
    await k.advance(5000); // no pings to an offline device
    expect(k.pings).toHaveLength(2);
  });

  it("a ping the hub could not send changes nothing", async () => {
    const k = tracker();
    await k.presence(AGENT);
    await k.advance(1000);
    k.pings[0]?.answer("unknown");
    await k.advance(0);
    expect(k.states()).toEqual(["online"]);
    await k.advance(1000); // and the next interval pings again
    expect(k.pings).toHaveLength(2);
  });

  it("goes stale after silence and online again with a reading", async () => {
    const k = tracker();
    await k.presence(AGENT);
    await k.advance(4900);
    await k.t.onReading("kitchen", AGENT);
    await k.advance(4999);
    expect(k.states()).toEqual(["online"]);
    await k.advance(1);
    expect(k.states()).toEqual(["online", "stale"]);
    await k.t.onReading("kitchen", AGENT);
    expect(k.states()).toEqual(["online", "stale", "online"]);
    expect(k.t.status("kitchen").availability).toBe("online");
  });

  it("a reading from another device's JID is not evidence", async () => {
    const k = tracker(["kitchen", "garage"]);
    await k.t.onReading("kitchen", "garage@example.org/agent");
    expect(k.published).toEqual([]);
  });

  it("probes registered devices after a restart", async () => {
    const k = tracker(["kitchen", "garage"]);
    const probing = k.t.probe(["kitchen", "garage"]);
    k.pings[0]?.answer("alive");
    k.pings[1]?.answer("gone");
    await probing;
    expect(k.published.map(([id, p]) => [id, p.state, p.reason])).toEqual([
      ["kitchen", "online", "probe"],
      ["garage", "offline", "probe"],
    ]);
  });
});

describe("readings observer", () => {
  it("reports accepted publishes to readings nodes only, between start and stop", async () => {
    const seen: string[] = [];
    const events = createServiceEmitter(() => undefined);
    const watcher = watchReadings(events, (id, from) => void seen.push(`${id} ${from}`));
    const item = { id: "b-1", publisher: AGENT, payload: "<r xmlns='urn:t'/>", published: 0 };
    await events.emit({ type: "published", node: "devices/kitchen/readings", ...item });
    watcher.start();
    watcher.start();
    await events.emit({ type: "published", node: "devices/kitchen/readings", ...item });
    await events.emit({ type: "republished", node: "devices/kitchen/readings", ...item });
    await events.emit({ type: "published", node: "devices/kitchen/state", ...item });
    await events.emit({ type: "retracted", node: "devices/kitchen/readings", id: "b-1", actor: AGENT });
    watcher.stop();
    expect(events.listenerCount()).toBe(0);
    await events.emit({ type: "published", node: "devices/kitchen/readings", ...item });
    expect(seen).toEqual([`kitchen ${AGENT}`, `kitchen ${AGENT}`]);
    expect(readingsDeviceOf("devices/a-1/readings")).toBe("a-1");
    expect(readingsDeviceOf("devices/A/readings")).toBeUndefined();
  });
});
