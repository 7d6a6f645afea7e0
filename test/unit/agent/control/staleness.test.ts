/* A stale command never runs: commands with a time (a `<cmd/>`, or a chat message's XEP-0203
 * stamp) are judged by the hub's clock once the offset to it is known, held until then (bounded),
 * refused when it stays unknown, and refused when dated in the future. XEP-0325 and chat, hub and
 * direct alike. Clocks are injected: a board a day slow, timers driven by hand. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import type { OpenChannel } from "../../../../agent/channels";
import { AgentClock } from "../../../../agent/clock";
import { Actuators } from "../../../../agent/control/actuators";
import { chatHandler } from "../../../../agent/control/chat";
import { controlHandler } from "../../../../agent/control/control-iq";
import { SeenCommands } from "../../../../agent/control/seen";
import { CLOCK_HOLD_MS } from "../../../../agent/control/timing";
import { findDefinition } from "../../../../devices";
import { simulatedRelay } from "../../../../devices/simulated/drivers";
import type { ActuatorChannel } from "../../../../devices/types";
import { silentLogger } from "../../../../shared/log";
import { makeCommandMeta, makeControlSet } from "../../../../shared/xmpp/control";
import { NS_DELAY, NS_STANZAS, NS_XIOT_COMMAND } from "../../../../shared/xmpp/ns";
import { manualClock } from "../../../helpers/devices/clock";

const DAY = 86_400_000;
/** The hub's (and server's) time; the board's clock is a day slow. */
const HUB_NOW = 1_800_000_000_000;
const HUB = "hub.example.org";
const OWNER = "op@example.org";
const relay: ActuatorChannel = {
  role: "actuator",
  name: "relay",
  kind: "switch",
  valueType: "boolean",
  safeState: false,
};

async function board() {
  const timers = manualClock(HUB_NOW - DAY);
  const clock = new AgentClock({
    mode: "auto",
    maxOffsetMs: 2000,
    log: silentLogger(),
    now: timers.now,
    timers,
  });
  const open: OpenChannel = {
    key: "relay",
    config: {} as OpenChannel["config"],
    definition: findDefinition("sim-relay") as OpenChannel["definition"],
    options: {},
    channels: [relay],
    names: new Map([["relay", "relay"]]),
    driver: simulatedRelay("relay", { initial: false, delayMs: 0 }, timers),
  };
  const dir = mkdtempSync(join(tmpdir(), "xiot-stale-"));
  const changes: string[] = [];
  const actuators = new Actuators({
    actuators: [{ channel: relay, open }],
    stateDir: dir,
    seen: await SeenCommands.open(dir, HUB_NOW),
    hubNow: () => clock.hubNow(),
    uncertaintyMs: () => clock.uncertaintyMs,
    whenClockKnown: (ms) => clock.whenKnown(ms),
    log: silentLogger(),
    onChange: (_o, name, s) => changes.push(`${name}=${s.value}`),
  });
  const allowed = { mayRead: async () => true, mayControl: async () => true, onMessage: () => false };
  const iq = controlHandler({ actuators, allowed, log: silentLogger() });
  const set = (cmd: { id: string; issued: number; ttl: number; seq?: number }, from = `${HUB}`) => {
    const element = makeControlSet([{ name: "relay", type: "boolean", value: true }], cmd);
    return iq({ stanza: xml("iq", { type: "set", from, id: "q" }, element), element });
  };
  const sent: Element[] = [];
  const chat = chatHandler({
    deviceId: "kitchen-1",
    channels: [open],
    actuators,
    allowed,
    chatTtlMs: 5000,
    status: () => "up",
    send: async (s) => void sent.push(s),
    log: silentLogger(),
    now: () => clock.hubNow(),
    whenClockKnown: (ms) => clock.whenKnown(ms),
  });
  /** A chat message from offline storage, stamped by the server's clock. */
  const delayed = (text: string, stampedAt: number, ...more: Element[]) =>
    chat(
      xml(
        "message",
        { from: `${OWNER}/phone`, type: "chat" },
        xml("body", {}, text),
        xml("delay", { xmlns: NS_DELAY, stamp: new Date(stampedAt).toISOString() }),
        ...more,
      ),
    ).then(() => sent.at(-1)?.getChildText("body"));
  return { clock, timers, changes, set, delayed, sent, iq };
}

/** Lets pending promise callbacks run (no time passes). */
const settle = () => new Promise((resolve) => setImmediate(resolve));
const condition = (e: Element) => e.getChildElements().find((c) => c.attrs.xmlns === NS_STANZAS)?.name;
/** The application condition of an error, as name and attributes. */
const refusal = (e: Element) => {
  const app = e.getChildElements().find((c) => c.attrs.xmlns !== NS_STANZAS);
  return app && { name: app.name, attrs: app.attrs };
};

describe("no command is judged before the offset to the hub's clock is known", () => {
  it("chat: a message stored 9 s (TTL 5 s) waits for the offset, then is refused as too old", async () => {
    const b = await board();
    const reply = b.delayed("relay on", HUB_NOW - 9000);
    await settle();
    expect(b.sent).toEqual([]); // held: by the board's own clock it would be a day in the future
    b.clock.setOffset(DAY);
    expect(await reply).toBe(
      "That command was sent 9 s ago and was not run. Send it again if you still want it.",
    );
    expect(b.changes).toEqual([]);
  });

  it("chat: a fresh stored message runs once the offset is known", async () => {
    const b = await board();
    const reply = b.delayed("relay on", HUB_NOW - 1000);
    await settle();
    b.clock.setOffset(DAY);
    expect(await reply).toBe("Done: relay is on.");
  });

  it("chat: refused, nothing moved, when the offset stays unknown past the hold", async () => {
    const b = await board();
    const reply = b.delayed("relay on", HUB_NOW - 1000);
    await settle();
    b.timers.advance(CLOCK_HOLD_MS);
    expect(await reply).toMatch(/^Refused: the device does not know the hub's time yet/);
    expect(b.changes).toEqual([]);
  });

  it("chat: a message stamped in the future by the hub's clock is refused", async () => {
    const b = await board();
    b.clock.setOffset(DAY);
    expect(await b.delayed("relay on", HUB_NOW + 60_000)).toBe(
      "Refused: the command is dated 1 min in the future by the hub's clock; nothing moved.",
    );
    expect(b.changes).toEqual([]);
  });

  it("chat with <cmd/>: judged by its issued and ttl, by the hub's clock", async () => {
    const b = await board();
    const cmd = makeCommandMeta({ id: "c-chat", issued: HUB_NOW - 9000, ttl: 5000 });
    const reply = b.delayed("relay on", HUB_NOW - 1000, cmd);
    await settle();
    b.clock.setOffset(DAY);
    expect(await reply).toBe("Refused: command c-chat expired (issued + ttl has passed).");
    expect(b.changes).toEqual([]);
  });

  it("XEP-0325 from the hub: held for the offset, then refused past issued + ttl", async () => {
    const b = await board();
    const answer = b.set({ id: "c1", issued: HUB_NOW - 9000, ttl: 5000, seq: 1 });
    await settle();
    b.clock.setOffset(DAY);
    const result = await answer;
    expect(result.name).toBe("error");
    expect(result.attrs.type).toBe("cancel");
    expect(condition(result)).toBe("not-acceptable");
    expect(refusal(result)).toBeUndefined();
    expect(b.changes).toEqual([]);
  });

  it("XEP-0325 direct: refused with wait/unexpected-request and <clock-unknown/> when the offset stays unknown", async () => {
    const b = await board();
    const answer = b.set({ id: "c2", issued: HUB_NOW, ttl: 5000 }, `${OWNER}/laptop`);
    await settle();
    b.timers.advance(CLOCK_HOLD_MS);
    const result = await answer;
    expect(result.attrs.type).toBe("wait");
    expect(condition(result)).toBe("unexpected-request");
    expect(refusal(result)).toEqual({ name: "clock-unknown", attrs: { xmlns: NS_XIOT_COMMAND } });
    expect(result.getChildText("text", NS_STANZAS)).toMatch(/^the device does not know the hub's time yet/);
    expect(b.changes).toEqual([]);
  });

  it("XEP-0325: issued in the future beyond the tolerance is refused (modify/not-acceptable, <issued-in-future/>); within it, applied", async () => {
    const b = await board();
    b.clock.setOffset(DAY);
    const ahead = await b.set({ id: "c3", issued: HUB_NOW + 60_000, ttl: 5000 });
    expect([ahead.name, ahead.attrs.type, condition(ahead)]).toEqual(["error", "modify", "not-acceptable"]);
    expect(refusal(ahead)).toEqual({ name: "issued-in-future", attrs: { xmlns: NS_XIOT_COMMAND } });
    expect(b.changes).toEqual([]);
    const near = await b.set({ id: "c4", issued: HUB_NOW + 500, ttl: 5000 });
    expect(near.name).toBe("setResponse");
    expect(b.changes).toEqual(["relay=true"]);
  });

  it("XEP-0325: a command that may have expired within the offset's uncertainty is refused; one surely in time runs", async () => {
    const b = await board();
    // Learnt from a whole-second stamp over a 100 ms round trip: good to ±551 ms.
    b.clock.setOffset(DAY, 551);
    const edge = await b.set({ id: "c5", issued: HUB_NOW - 4600, ttl: 5000 });
    expect([edge.name, edge.attrs.type, condition(edge)]).toEqual(["error", "cancel", "not-acceptable"]);
    expect(edge.getChildText("text", NS_STANZAS)).toBe("command c5 expired (issued + ttl has passed)");
    expect(b.changes).toEqual([]);
    const inTime = await b.set({ id: "c6", issued: HUB_NOW - 4000, ttl: 5000 });
    expect(inTime.name).toBe("setResponse");
    expect(b.changes).toEqual(["relay=true"]);
  });

  it("a command without a time (direct XEP-0325, no <cmd/>) needs no clock", async () => {
    const b = await board();
    const element = makeControlSet([{ name: "relay", type: "boolean", value: true }]);
    const result = await b.iq({
      stanza: xml("iq", { type: "set", from: `${OWNER}/x`, id: "q" }, element),
      element,
    });
    expect(result.name).toBe("setResponse");
    expect(b.changes).toEqual(["relay=true"]);
  });
});
