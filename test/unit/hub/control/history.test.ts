/* History lists every actuation the device reports (commands sent straight to
 * it included), newest first, a page at a time, in the words of the chat commands, with dates. */
import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { commandWords, historyPage, historyView } from "../../../../hub/control/history-text";
import { createReportedActuations, parseReported } from "../../../../hub/control/reported";
import { openControlStore } from "../../../../hub/control/store";
import type { ControlLogEntry } from "../../../../hub/control/types";
import { createServiceEmitter } from "../../../../hub/pubsub/events";
import { readingsNode, stateNode } from "../../../../shared/model";
import { NS_XIOT_STATE } from "../../../../shared/xmpp/ns";

const T0 = Date.parse("2026-12-02T16:41:07Z");

const statePayload = (actuators: Record<string, unknown>) =>
  xml("state", { xmlns: NS_XIOT_STATE }, JSON.stringify({ v: 1, t: T0, actuators })).toString();

function recorder() {
  const store = openControlStore(":memory:");
  const events = createServiceEmitter((error) => {
    throw error;
  });
  const stored = new Map<string, string>();
  const reported = createReportedActuations({
    store,
    events,
    pubsubStore: {
      lastItem: async (node) => {
        const payload = stored.get(node);
        return payload
          ? { id: "current", payload, publisher: "sim-1@localhost/agent", published: 0 }
          : undefined;
      },
    },
  });
  reported.start();
  const publish = (node: string, actuators: Record<string, unknown>) =>
    events.emit({
      type: "published",
      node,
      id: "current",
      publisher: "sim-1@localhost/agent",
      payload: statePayload(actuators),
      published: 0,
    });
  return { store, events, reported, stored, publish, log: () => store.history("sim-1", 100) };
}

describe("actuations the device reports", () => {
  it("records each change of a state item, not its first value, repeats or older items", async () => {
    const r = recorder();
    await r.publish(stateNode("sim-1"), { relay: { v: false, t: T0 } });
    expect(r.log()).toEqual([]); // a baseline
    await r.publish(stateNode("sim-1"), { relay: { v: true, t: T0 + 1000 } });
    await r.publish(stateNode("sim-1"), { relay: { v: true, t: T0 + 1000 } }); // the 5-minute state
    await r.publish(stateNode("sim-1"), { relay: { v: false, t: T0 - 5000 } }); // an older item
    await r.publish(readingsNode("sim-1"), { relay: { v: false, t: T0 + 9000 } }); // not a state node
    await r.publish(stateNode("sim-1"), {
      relay: { v: false, t: T0 + 2000, by: "bob@localhost", via: "xep-0325" },
      target: { v: 21, t: T0 + 2000 },
    });
    expect(r.log().map((e) => [e.time, e.command, e.outcome, e.actor, e.detail])).toEqual([
      [T0 + 1000, "relay=true", "reported", "", ""],
      [T0 + 2000, "relay=false", "reported", "bob@localhost", "xep-0325"],
    ]);
    r.reported.stop();
    await r.publish(stateNode("sim-1"), { relay: { v: true, t: T0 + 3000 } });
    expect(r.log()).toHaveLength(2); // stopped: no listener left
    expect(r.events.listenerCount()).toBe(0);
  });

  it("syncs from the stored state item, which a restart of the hub may have missed", async () => {
    const r = recorder();
    await r.publish(stateNode("sim-1"), { relay: { v: false, t: T0 } });
    r.stored.set(stateNode("sim-1"), statePayload({ relay: { v: true, t: T0 + 500 } }));
    await r.reported.sync("sim-1");
    await r.reported.sync("sim-1");
    expect(r.log().map((e) => e.command)).toEqual(["relay=true"]);
  });

  it("reads only well-formed actuator entries of a state payload", () => {
    expect(parseReported("<meta xmlns='urn:xiot:meta:0'>{}</meta>")).toBeUndefined();
    expect(parseReported(statePayload({}).replace("{", "{,"))).toBeUndefined();
    const parsed = parseReported(
      statePayload({ a: { v: true, t: 1 }, b: { v: {}, t: 1 }, c: { v: 1 }, d: { v: 2, t: 3, by: 7 } }),
    );
    expect([...(parsed ?? new Map())]).toEqual([
      ["a", { v: true, t: 1 }],
      ["d", { v: 2, t: 3 }],
    ]);
  });
});

const entry = (o: Partial<ControlLogEntry>): ControlLogEntry => ({
  time: T0,
  device: "sim-1",
  actor: "",
  id: null,
  command: "relay=true",
  outcome: "reported",
  detail: "",
  ...o,
});

describe("history as a person reads it", () => {
  it("speaks the chat words, newest first, with dates; a hub command and its report are one line", () => {
    expect(commandWords("relay=true")).toBe("relay on");
    expect(commandWords("target=21.5")).toBe("set target 21.5");
    expect(commandWords("label=warm")).toBe("set label warm");
    const lines = historyView([
      entry({ time: T0, command: "relay=true" }), // sent straight to the device
      ...[
        { time: T0 + 60_000, id: "c1", outcome: "issued", detail: "chat, ttl 8000 ms" },
        { time: T0 + 60_100, id: null, actor: "", outcome: "reported", detail: "" }, // its report
        { time: T0 + 60_200, id: "c1", outcome: "done", detail: "now false" },
      ].map((o) =>
        entry({ actor: "demo@localhost", command: "relay=false", ...o } as Partial<ControlLogEntry>),
      ),
      entry({ time: T0 + 120_000, actor: "bob@localhost", id: "c2", outcome: "issued", detail: "adhoc" }),
      entry({
        time: T0 + 121_000,
        actor: "bob@localhost",
        id: "c2",
        outcome: "refused",
        detail: "seq too low",
      }),
      entry({
        time: T0 + 180_000,
        actor: "demo@localhost",
        command: "claim",
        outcome: "done",
        detail: "key",
      }),
    ]);
    expect(historyPage("sim-1", lines).split("\n")).toEqual([
      "History of sim-1, newest first (UTC):",
      "2026-12-02 16:44:07  claim (key)  by demo@localhost",
      "2026-12-02 16:43:07  relay on  by bob@localhost (adhoc)  — refused: seq too low",
      "2026-12-02 16:42:07  relay off  by demo@localhost (chat)",
      "2026-12-02 16:41:07  relay on  at the device",
    ]);
  });

  it("lets a hub command explain one report only: the same change sent straight after it stays", () => {
    const hub = (o: Partial<ControlLogEntry>) =>
      entry({ actor: "demo@localhost", id: "c1", command: "relay=false", ...o });
    const lines = historyView([
      hub({ time: T0, outcome: "issued", detail: "chat" }),
      entry({ time: T0 + 20, command: "relay=false" }), // the hub's command, applied
      hub({ time: T0 + 40, outcome: "done" }),
      entry({ time: T0 + 300, command: "relay=true" }), // sent straight to the device
      entry({ time: T0 + 600, command: "relay=false" }),
    ]);
    expect(lines.map((l) => `${l.what} ${l.who}`)).toEqual([
      "relay off at the device",
      "relay on at the device",
      "relay off by demo@localhost (chat)",
    ]);
  });

  it("pages ten lines at a time and says how to ask for more", () => {
    const many = Array.from({ length: 23 }, (_, i) =>
      entry({ time: T0 + i * 1000, command: `relay=${i % 2 === 0}` }),
    );
    const lines = historyView(many);
    const first = historyPage("sim-1", lines).split("\n");
    expect(first).toHaveLength(12);
    expect(first[1]).toBe("2026-12-02 16:41:29  relay on  at the device");
    expect(first.at(-1)).toBe("… 13 more: history sim-1 2");
    const third = historyPage("sim-1", lines, 3).split("\n");
    expect(third).toEqual([
      "History of sim-1, page 3:",
      "2026-12-02 16:41:09  relay on  at the device",
      "2026-12-02 16:41:08  relay off  at the device",
      "2026-12-02 16:41:07  relay on  at the device",
    ]);
    expect(historyPage("sim-1", lines, 4)).toBe("No page 4: sim-1's history has 23 lines.");
    expect(historyPage("sim-1", [])).toBe("No history for sim-1.");
  });
});
