import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { clockOffset, errorOf, makeCommand, outcomeOf, parameterFor } from "../../../dashboard/control";
import { parseCommandMeta, parseControlSet } from "../../../shared/xmpp/control";
import { NS_IOT_CONTROL, NS_TIME } from "../../../shared/xmpp/ns";

describe("dashboard control", () => {
  it("builds an XEP-0325 set with command metadata the agent parses", () => {
    const iq = makeCommand("sim-1@localhost/agent", parameterFor("relay", "boolean", true), "c1", 1_000_000);
    const set = iq.getChild("set", NS_IOT_CONTROL)!;
    expect(iq.attrs).toMatchObject({ type: "set", to: "sim-1@localhost/agent" });
    expect(parseControlSet(set)).toEqual({
      ok: true,
      value: [{ name: "relay", type: "boolean", value: true }],
    });
    expect(parseCommandMeta(set)).toEqual({ ok: true, value: { id: "c1", issued: 1_000_000, ttl: 8000 } });
    expect(parameterFor("level", "number", 2.5)).toEqual({ name: "level", type: "double", value: 2.5 });
    expect(parameterFor("level", "number", 3)).toEqual({ name: "level", type: "long", value: 3 });
    expect(parameterFor("text", "string", "hi")).toEqual({ name: "text", type: "string", value: "hi" });
  });

  it("gives one outcome per answer", () => {
    expect(outcomeOf({ ok: true }, true)).toEqual({ kind: "done", text: "done: now on" });
    expect(outcomeOf({ ok: false, condition: "service-unavailable" }, true).kind).toBe("offline");
    expect(outcomeOf({ ok: false, condition: "not-acceptable" }, true).kind).toBe("expired");
    expect(outcomeOf({ ok: false, condition: "forbidden", text: "not on the list" }, true)).toEqual({
      kind: "refused",
      text: "refused: not on the list",
    });
    expect(outcomeOf({ ok: false, condition: "timeout", timeout: true }, true).kind).toBe("timeout");
    expect(outcomeOf({ ok: false, condition: "internal-server-error", text: "relay stuck" }, true)).toEqual({
      kind: "failed",
      text: "failed: relay stuck",
    });
  });

  it("reads conditions from StanzaError-like and timeout errors", () => {
    const paramError = xml("paramError", { xmlns: NS_IOT_CONTROL, var: "relay" }, "no such channel");
    expect(
      errorOf({ name: "StanzaError", condition: "item-not-found", text: "", application: paramError }),
    ).toEqual({
      condition: "item-not-found",
      text: "no such channel",
    });
    expect(errorOf({ name: "TimeoutError", message: "timeout" })).toEqual({
      condition: "timeout",
      timeout: true,
    });
  });

  it("learns the server clock offset from XEP-0202", () => {
    const answer = xml("iq", {}, xml("time", { xmlns: NS_TIME }, xml("utc", {}, "1970-01-01T00:00:10.000Z")));
    expect(clockOffset(answer, 4000, 6000)).toBe(5000);
    const whole = xml("iq", {}, xml("time", { xmlns: NS_TIME }, xml("utc", {}, "1970-01-01T00:00:10Z")));
    expect(clockOffset(whole, 4000, 6000)).toBe(5500);
    expect(clockOffset(xml("iq"), 0, 0)).toBeUndefined();
  });
});
