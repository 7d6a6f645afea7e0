/* XEP-0323 historical readouts at the hub, over the memory history engine with the access rule
 * stubbed: accepted, then fields messages (one node, one timestamp per reading time, historical
 * field types by tier), split by bytes with `done` on the last; a stranger and an unknown device
 * refused alike; momentary requests answered as before. */
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import type { AccessRule } from "../../../hub/access/rule";
import { createMemoryHistory } from "../../../hub/history/memory";
import { historyReadoutRoute, readoutTier } from "../../../hub/history/readout-service";
import { DEFAULT_RETENTION, HOUR, MINUTE } from "../../../hub/history/types";
import type { IqContext } from "../../../hub/iq-types";
import { fail } from "../../../hub/pubsub/types";
import { silentLogger } from "../../../shared/log";
import { readingsNode } from "../../../shared/model";
import { elementBytes } from "../../../shared/xmpp/budget";
import { NS_IOT_SENSORDATA } from "../../../shared/xmpp/ns";

const NOW = Date.UTC(2026, 11, 2, 12);
const FROM = NOW - 2 * HOUR;
const ALICE = "alice@example.org/phone";

function setup(options: { maxReplyBytes?: number; maxEntries?: number } = {}) {
  const history = createMemoryHistory(DEFAULT_RETENTION);
  const times = Array.from({ length: 120 }, (_, i) => FROM + i * MINUTE);
  history.add(
    "d1",
    times.map((t, i) => ({ c: "temperature", t, v: 20 + i / 10 })),
    NOW,
  );
  history.add(
    "d1",
    times.map((t, i) => ({ c: "relay", t, v: i % 2 === 0 })),
    NOW,
  );
  const access: Pick<AccessRule, "factsOf" | "refusal"> = {
    factsOf: async (node) => (node === readingsNode("d1") ? ({} as never) : undefined),
    refusal: async (_node, jid) => (jid.startsWith("alice@") ? undefined : fail("forbidden")),
  };
  const sent: Element[] = [];
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const route = historyReadoutRoute({
    history,
    access,
    send: async (s) => {
      sent.push(s);
      const payload = s.getChildElements()[0];
      if (payload?.attrs.done === "true") finished();
    },
    now: () => NOW,
    maxReplyBytes: options.maxReplyBytes ?? 256 * 1024,
    units: async () => new Map([["temperature", "°C"]]),
    log: silentLogger(),
    ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
  });
  const ask = async (from: string, attrs: Record<string, string>, ...children: Element[]) => {
    const req = xml("req", { xmlns: NS_IOT_SENSORDATA, id: "r1", ...attrs }, ...children);
    const stanza = xml("iq", { type: "get", id: "q1", from, to: "hub.example.org" }, req);
    const ctx: IqContext = { from, to: "hub.example.org", id: "q1", type: "get", stanza, child: req };
    return (await route.handler(ctx)) as Element;
  };
  return { ask, sent, done };
}

const node = (id: string) => xml("node", { nodeId: id });
const range = (from: number, to: number) => ({
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
});
const stampsOf = (messages: Element[]) =>
  messages.flatMap(
    (m) => m.getChild("fields", NS_IOT_SENSORDATA)?.getChild("node")?.getChildren("timestamp") ?? [],
  );

describe("historical readouts at the hub", () => {
  it("accepts, then sends the range's readings with historical field types, the last message done", async () => {
    const { ask, sent, done } = setup();
    const answer = await ask(
      ALICE,
      { historical: "true", ...range(NOW - 10 * MINUTE, NOW) },
      node("d1"),
      xml("field", { name: "temperature" }),
    );
    expect(answer.toString()).toBe(`<accepted xmlns="urn:xmpp:iot:sensordata" id="r1"/>`);
    await done;
    expect(sent).toHaveLength(1);
    expect(sent[0]?.attrs).toMatchObject({ to: ALICE, from: "hub.example.org" });
    const fields = sent[0]?.getChild("fields", NS_IOT_SENSORDATA) as Element;
    expect(fields.attrs).toMatchObject({ id: "r1", done: "true" });
    expect(fields.getChildren("node").map((n) => n.attrs.nodeId)).toEqual(["d1"]);
    const stamps = stampsOf(sent);
    expect(stamps.map((s) => s.attrs.value)).toEqual(
      Array.from({ length: 10 }, (_, i) => new Date(NOW - (10 - i) * MINUTE).toISOString()),
    );
    expect(stamps[9]?.getChildElements().map(String)).toEqual([
      `<numeric name="temperature" value="31.9" historicalOther="true" automaticReadout="true" unit="°C"/>`,
    ]);
  });

  it("reads the tier the period asks, buckets as mean (computed) with min and max (peak)", async () => {
    expect(readoutTier([], NOW - HOUR, NOW)).toBe("raw");
    expect(readoutTier([], NOW - 24 * HOUR, NOW)).toBe("1m");
    expect(readoutTier(["historicalHour", "historicalMinute"], NOW - HOUR, NOW)).toBe("1m");
    expect(readoutTier(["historicalOther"], NOW - 30 * 24 * HOUR, NOW)).toBe("1h");
    const { ask, sent, done } = setup();
    await ask(ALICE, { historicalHour: "true", ...range(FROM, NOW) }, node("d1"));
    await done;
    const stamps = stampsOf(sent);
    expect(stamps.map((s) => s.attrs.value)).toEqual([
      new Date(FROM).toISOString(),
      new Date(FROM + HOUR).toISOString(),
    ]);
    expect(stamps[0]?.getChildElements().map(String)).toEqual([
      `<boolean name="relay" value="false" historicalHour="true" automaticReadout="true"/>`,
      `<numeric name="temperature" value="22.95" historicalHour="true" computed="true" automaticReadout="true" unit="°C"/>`,
      `<numeric name="temperature, Min" value="20" historicalHour="true" peak="true" automaticReadout="true" unit="°C"/>`,
      `<numeric name="temperature, Max" value="25.9" historicalHour="true" peak="true" automaticReadout="true" unit="°C"/>`,
    ]);
  });

  it("splits a long readout into messages within the reply budget, each reading time once", async () => {
    const { ask, sent, done } = setup({ maxReplyBytes: 4096 });
    await ask(ALICE, { historical: "true", ...range(FROM, FROM + HOUR) }, node("d1"));
    await done;
    expect(sent.length).toBeGreaterThan(3);
    for (const m of sent) expect(elementBytes(m)).toBeLessThanOrEqual(4096);
    expect(sent.map((m) => m.getChild("fields", NS_IOT_SENSORDATA)?.attrs.done)).toEqual([
      ...Array(sent.length - 1).fill(undefined),
      "true",
    ]);
    const stamps = stampsOf(sent).map((s) => Date.parse(String(s.attrs.value)));
    expect(stamps).toEqual(Array.from({ length: 60 }, (_, i) => FROM + i * MINUTE));
  });

  it("ends a readout cut at the entry bound with a failure that says so", async () => {
    const { ask, sent, done } = setup({ maxEntries: 5 });
    await ask(ALICE, { historical: "true", ...range(FROM, NOW) }, node("d1"));
    await done;
    expect(sent.map((m) => m.getChildElements()[0]?.name)).toEqual(["fields", "failure"]);
    expect(stampsOf(sent)).toHaveLength(5);
    const failure = sent[1]?.getChildElements()[0] as Element;
    expect(failure.attrs).toMatchObject({ id: "r1", done: "true" });
    expect(failure.getChild("error")?.attrs.nodeId).toBe("d1");
  });

  it("refuses a stranger exactly as a device that does not exist, and sends nothing", async () => {
    const { ask, sent } = setup();
    const refusals = await Promise.all([
      ask("eve@example.org/x", { historical: "true" }, node("d1")),
      ask(ALICE, { historical: "true" }, node("d2")),
    ]);
    expect(refusals.map(String)).toEqual(
      ["d1", "d2"].map(
        (d) =>
          `<error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas" xml:lang="en">no device ${d} that you can read</text></error>`,
      ),
    );
    expect(sent).toEqual([]);
  });

  it("answers momentary requests as before, and malformed ones with bad-request", async () => {
    const { ask } = setup();
    const condition = (e: Element) => `${e.attrs.type}/${e.getChildElements()[0]?.name}`;
    expect(condition(await ask(ALICE, { momentary: "true" }, node("d1")))).toBe("cancel/service-unavailable");
    expect(condition(await ask(ALICE, {}, node("d1")))).toBe("cancel/service-unavailable");
    expect(condition(await ask(ALICE, { historical: "true" }))).toBe("modify/bad-request");
    expect(condition(await ask(ALICE, { historical: "true", from: "yesterday" }, node("d1")))).toBe(
      "modify/bad-request",
    );
    expect(condition(await ask(ALICE, { all: "true", ...range(NOW, NOW - HOUR) }, node("d1")))).toBe(
      "modify/bad-request",
    );
  });
});
