import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { outcomeOfError } from "../../../../hub/control/lifecycle";
import { outcomeText } from "../../../../hub/control/text";
import { IqTimeoutError } from "../../../../shared/xmpp/iq-caller";
import { NS_IOT_CONTROL, NS_STANZAS } from "../../../../shared/xmpp/ns";
import { StanzaError } from "../../../../shared/xmpp/stanza-error";
import { ALICE, BOB } from "../devices/setup";
import { controlHarness } from "./harness";

const errorIq = (type: string, condition: string, text?: string, param?: string) =>
  StanzaError.fromStanza(
    xml(
      "iq",
      { type: "error" },
      xml(
        "error",
        { type },
        xml(condition, { xmlns: NS_STANZAS }),
        ...(text ? [xml("text", { xmlns: NS_STANZAS }, text)] : []),
        ...(param ? [xml("paramError", { xmlns: NS_IOT_CONTROL, var: param }, text ?? "")] : []),
      ),
    ),
  );

async function owned(path?: string) {
  const c = await controlHarness(path);
  await c.h.service.claim(ALICE, "kitchen", c.h.claimKey);
  return c;
}
const relay = (value: string, actor = "alice@example.org") => ({
  actor,
  device: "kitchen",
  channel: "relay",
  value,
  via: "test",
});

describe("control router", () => {
  it("sends one typed set with id, hub-clock issued, ttl and seq to the agent, and reports the new state", async () => {
    const c = await owned();
    const outcome = await c.router.control(relay("on"));
    expect(outcome).toMatchObject({ kind: "done", value: true });
    const first = c.setOf(0);
    expect(first.to).toBe("kitchen@example.org/agent");
    expect(first.params).toEqual([{ name: "relay", type: "boolean", value: true }]);
    expect(first.cmd).toMatchObject({ issued: c.h.now(), ttl: 5000, seq: 1 });
    await c.router.control(relay("off"));
    expect(c.setOf(1).cmd?.seq).toBe(2);
    expect(c.setOf(1).cmd?.id).not.toBe(first.cmd?.id);
    await c.router.control({ ...relay("21.5"), channel: "target" });
    expect(c.setOf(2).params).toEqual([{ name: "target", type: "double", value: 21.5 }]);
    expect(c.setOf(2).cmd?.seq).toBe(1);
    const log = c.store.history("kitchen", 10).map((e) => [e.command, e.outcome]);
    expect(log).toEqual([
      ["relay=true", "issued"],
      ["relay=true", "done"],
      ["relay=false", "issued"],
      ["relay=false", "done"],
      ["target=21.5", "issued"],
      ["target=21.5", "done"],
    ]);
  });

  it("keeps seq across a restart of the store", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "xiot-control-")), "control.sqlite");
    const a = await owned(path);
    await a.router.control(relay("on"));
    await a.router.control(relay("off"));
    a.store.close();
    const b = await owned(path);
    await b.router.control(relay("on"));
    expect(b.setOf(0).cmd?.seq).toBe(3);
    b.store.close();
  });

  it("refuses without sending: no access, read only, unknown device, a sensor, an unknown channel, a bad value", async () => {
    const c = await owned();
    await c.h.service.share(ALICE, "kitchen", BOB, "read");
    expect(await c.router.control(relay("on", "eve@example.org"))).toEqual({
      kind: "refused",
      reason: "no device kitchen that you can see",
    });
    expect(await c.router.control(relay("on", "bob@example.org"))).toEqual({
      kind: "refused",
      reason: "you may read kitchen but not control it",
    });
    expect(await c.router.control({ ...relay("on"), device: "garage" })).toEqual({
      kind: "refused",
      reason: "no device garage that you can see",
    });
    expect(await c.router.control({ ...relay("on"), channel: "temperature" })).toMatchObject({
      reason: "temperature is a sensor, not an actuator",
    });
    expect(await c.router.control({ ...relay("on"), channel: "fan" })).toMatchObject({
      reason: 'kitchen has no channel "fan"; its channels: temperature, relay, target',
    });
    expect(await c.router.control(relay("maybe"))).toMatchObject({
      reason: 'relay takes on or off, not "maybe"',
    });
    expect(await c.router.control({ ...relay("warm"), channel: "target" })).toMatchObject({
      reason: 'target takes a number, not "warm"',
    });
    expect(c.h.sent).toHaveLength(0);
    expect(c.store.history("kitchen", 20).every((e) => e.outcome === "refused" && e.id === null)).toBe(true);
  });

  it("answers offline without sending when availability says so, and when the server bounces the set", async () => {
    const c = await owned();
    c.h.avail.set("kitchen", "offline");
    expect(await c.router.control(relay("on"))).toEqual({ kind: "offline" });
    expect(c.h.sent).toHaveLength(0);
    c.h.avail.set("kitchen", undefined);
    c.h.answer = async () => {
      throw errorIq("cancel", "service-unavailable");
    };
    expect(await c.router.control(relay("on"))).toMatchObject({ kind: "offline" });
  });

  it("maps the device's refusals: expired, unknown parameter, hardware failure, and a timeout", async () => {
    const c = await owned();
    const cases: Array<[StanzaError | Error, string]> = [
      [errorIq("cancel", "not-acceptable", "command expired"), "expired"],
      [errorIq("cancel", "item-not-found", 'unknown field "relay"', "relay"), "refused"],
      [errorIq("wait", "internal-server-error", "gpio write failed"), "failed"],
      [new IqTimeoutError("x", 5000), "timeout"],
    ];
    for (const [error, kind] of cases) {
      c.h.answer = async () => {
        throw error;
      };
      expect((await c.router.control(relay("on"))).kind).toBe(kind);
    }
    expect(outcomeOfError("i", errorIq("auth", "forbidden"))).toMatchObject({ kind: "refused" });
  });

  it("never reports done for a command the device did not apply; without a refusal condition (an older agent) says why in the device's words", async () => {
    const c = await owned();
    const newer = "a newer command for relay was applied first; this one was not applied (seq 4 < 5)";
    c.h.answer = async () => {
      throw errorIq("cancel", "conflict", newer);
    };
    const stale = await c.router.control(relay("on"));
    expect(stale).toMatchObject({ kind: "refused", reason: `kitchen: ${newer}` });
    expect(outcomeText("kitchen", "relay", stale)).toBe(`Refused: kitchen: ${newer}.`);
    const ahead = "the command is dated 1 min in the future by the hub's clock; nothing moved";
    c.h.answer = async () => {
      throw errorIq("modify", "not-acceptable", ahead);
    };
    expect(await c.router.control(relay("on"))).toMatchObject({
      kind: "refused",
      reason: `kitchen: ${ahead}`,
    });
    const unknown = "the device does not know the hub's time yet";
    c.h.answer = async () => {
      throw errorIq("wait", "internal-server-error", unknown);
    };
    const held = await c.router.control(relay("on"));
    expect(outcomeText("kitchen", "relay", held)).toBe(`Failed: kitchen could not set relay (${unknown}).`);
    expect(c.store.history("kitchen", 20).filter((e) => e.outcome === "done")).toEqual([]);
  });

  it("sends the same command again after the hub's link came back, and gives up when it does not", async () => {
    const c = await owned();
    let calls = 0;
    const ok = c.h.answer;
    c.h.answer = async (iq) => {
      calls++;
      if (calls === 1) {
        c.h.sent.push(iq);
        throw new Error("component link lost");
      }
      return ok(iq);
    };
    expect(await c.router.control(relay("on"))).toMatchObject({ kind: "done" });
    expect(c.h.sent).toHaveLength(2);
    expect(c.setOf(1).cmd).toEqual(c.setOf(0).cmd);
    expect(c.store.history("kitchen", 10).map((e) => [e.outcome, e.detail])).toEqual([
      ["issued", "test, ttl 5000 ms"],
      ["issued", "sent again after the hub's link came back"],
      ["done", "now true"],
    ]);
    c.h.linkBack = false;
    c.h.answer = async () => {
      throw new Error("component link lost");
    };
    expect(await c.router.control(relay("off"))).toMatchObject({ kind: "timeout" });
  });
});
