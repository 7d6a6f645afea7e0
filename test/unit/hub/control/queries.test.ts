import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { parseElement } from "../../../../hub/pubsub/xml";
import { ALICE, BOB } from "../devices/setup";
import { controlHarness } from "./harness";

async function owned() {
  const c = await controlHarness();
  await c.h.service.claim(ALICE, "kitchen", c.h.claimKey);
  await c.h.service.share(ALICE, "kitchen", BOB, "read");
  return c;
}

describe("control queries", () => {
  it("status shows a command the device confirmed after its last state item", async () => {
    const c = await owned();
    c.h.advance(1000);
    await c.router.control({
      actor: "alice@example.org",
      device: "kitchen",
      channel: "target",
      value: "21.5",
      via: "t",
    });
    const s = await c.queries.status("bob@example.org", "kitchen");
    expect(s.ok && s.value.snapshot.state?.actuators.get("target")?.v).toBe(21.5);
    expect(s.ok && s.value.snapshot.state?.actuators.get("relay")?.v).toBe(false);
  });

  it("history is for the owner; readers and strangers are told why not", async () => {
    const c = await owned();
    await c.router.control({
      actor: "alice@example.org",
      device: "kitchen",
      channel: "relay",
      value: "on",
      via: "t",
    });
    const h = await c.queries.history("alice@example.org", "kitchen");
    expect(h.ok && h.value.map((e) => e.outcome)).toEqual(["issued", "done"]);
    expect(await c.queries.history("bob@example.org", "kitchen")).toEqual({
      ok: false,
      reason: "only the owner of kitchen may read its history",
    });
    expect(await c.queries.history("eve@example.org", "kitchen")).toEqual({
      ok: false,
      reason: "no device kitchen that you can see",
    });
  });

  it("reads a channel live, and falls back to the last known value when the device does not answer", async () => {
    const c = await owned();
    c.h.answer = async (iq) => {
      const req = iq.getChild("req", "urn:xmpp:iot:sensordata");
      const id = String(req?.attrs.id);
      setTimeout(() => {
        const fields = `<message from='kitchen@example.org/agent'><fields xmlns='urn:xmpp:iot:sensordata' id='${id}' done='true'><node nodeId='kitchen'><timestamp value='2026-01-01T00:00:00Z'><numeric name='temperature' value='19.5' unit='°C' momentary='true'/></timestamp></node></fields></message>`;
        c.readout.onMessage(parseElement(fields));
      }, 1);
      return xml("iq", { type: "result" });
    };
    const live = await c.queries.read("bob@example.org", "kitchen", "temperature");
    expect(live).toMatchObject({ ok: true, value: { value: 19.5, unit: "°C", live: true } });
    c.h.avail.set("kitchen", "offline");
    const known = await c.queries.read("bob@example.org", "kitchen", "relay");
    expect(known).toMatchObject({ ok: true, value: { value: false, live: false } });
    expect(await c.queries.read("bob@example.org", "kitchen", "fan")).toEqual({
      ok: false,
      reason: 'kitchen has no channel "fan"; its channels: temperature, relay, target',
    });
  });
});
