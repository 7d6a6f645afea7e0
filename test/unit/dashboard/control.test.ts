import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { controlThroughHub, errorOf, outcomeOf, valueText } from "../../../dashboard/control";
import { makeCommandReply } from "../../../shared/xmpp/adhoc";
import { makeForm } from "../../../shared/xmpp/forms";
import { CMD_CONTROL, NS_IOT_CONTROL } from "../../../shared/xmpp/ns";

/** A hub that runs "Control a device" in one step and answers with the given outcome and note. */
function fakeHub(outcome: string, note: { type: "info" | "warn" | "error"; text: string }) {
  const submitted: Element[] = [];
  const request = async (iq: Element): Promise<Element> => {
    const command = iq.getChild("command") as Element;
    if (command.attrs.action === "execute") {
      return xml(
        "iq",
        { type: "result" },
        makeCommandReply({
          node: CMD_CONTROL,
          sessionid: "s1",
          status: "executing",
          form: makeForm({ type: "form", fields: [] }),
        }),
      );
    }
    submitted.push(command);
    const form = makeForm({ type: "result", fields: [{ var: "outcome", values: [outcome] }] });
    return xml(
      "iq",
      { type: "result" },
      makeCommandReply({ node: CMD_CONTROL, sessionid: "s1", status: "completed", note, form }),
    );
  };
  return { request, submitted };
}

describe("dashboard control through the hub", () => {
  it("submits device, channel and value to the hub's control command and shows its outcome", async () => {
    const hub = fakeHub("done", { type: "info", text: "Done: sim-1 relay is on." });
    const outcome = await controlThroughHub(hub.request, "hub.localhost", {
      device: "sim-1",
      channel: "relay",
      value: true,
    });
    expect(outcome).toEqual({ kind: "done", text: "Done: sim-1 relay is on." });
    const fields = hub.submitted[0]
      ?.getChild("x")
      ?.getChildren("field")
      .map((f) => [f.attrs.var, f.getChildText("value")]);
    expect(fields).toEqual([
      ["device", "sim-1"],
      ["channel", "relay"],
      ["value", "on"],
    ]);
  });

  it("passes the hub's refusals and offline outcomes through", async () => {
    const offline = fakeHub("offline", { type: "warn", text: "sim-1 is offline: nothing ran." });
    expect(
      await controlThroughHub(offline.request, "h", { device: "sim-1", channel: "relay", value: false }),
    ).toEqual({
      kind: "offline",
      text: "sim-1 is offline: nothing ran.",
    });
    const failing = async (): Promise<Element> => {
      throw Object.assign(new Error("forbidden"), {
        name: "StanzaError",
        condition: "forbidden",
        text: "not yours",
      });
    };
    expect(await controlThroughHub(failing, "h", { device: "x", channel: "relay", value: 1 })).toEqual({
      kind: "refused",
      text: "refused: not yours",
    });
  });

  it("writes values the way the hub's command reads them", () => {
    expect([valueText(true), valueText(false), valueText(21.5), valueText("eco")]).toEqual([
      "on",
      "off",
      "21.5",
      "eco",
    ]);
  });

  it("gives one outcome per error of the request itself", () => {
    expect(outcomeOf({ ok: false, condition: "service-unavailable" }, true).kind).toBe("offline");
    expect(outcomeOf({ ok: false, condition: "timeout", timeout: true }, true).kind).toBe("timeout");
    expect(outcomeOf({ ok: false, condition: "internal-server-error", text: "hub broke" }, true)).toEqual({
      kind: "failed",
      text: "failed: hub broke",
    });
  });

  it("shows a conflict (the device refused, e.g. a lower seq) as refused, not failed", async () => {
    expect(
      outcomeOf({ ok: false, condition: "conflict", text: "relay: a newer command was applied" }, true),
    ).toEqual({
      kind: "refused",
      text: "refused: relay: a newer command was applied",
    });
    const conflicting = async (): Promise<Element> => {
      throw Object.assign(new Error("conflict"), {
        name: "StanzaError",
        condition: "conflict",
        text: "seq 3 < 4",
      });
    };
    expect(await controlThroughHub(conflicting, "h", { device: "x", channel: "relay", value: true })).toEqual(
      {
        kind: "refused",
        text: "refused: seq 3 < 4",
      },
    );
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
});
