/* The device's three command refusals (clock unknown, stamped in the future, a newer command ran),
 * answered with the agent's own error builder, as the hub tells them: in chat, in the ad-hoc note
 * and result form, and in the control log; an agent that predates them is judged as before. */
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { outcomeOfError } from "../../../../hub/control/lifecycle";
import { refusalOf, refusalReason } from "../../../../hub/control/refusals";
import { parseCommandReply } from "../../../../shared/xmpp/adhoc";
import { type ErrorCode, makeError } from "../../../../shared/xmpp/errors";
import { makeForm } from "../../../../shared/xmpp/forms";
import { CMD_CONTROL, NS_COMMANDS, NS_STANZAS, NS_XIOT_COMMAND } from "../../../../shared/xmpp/ns";
import { StanzaError } from "../../../../shared/xmpp/stanza-error";
import { ALICE } from "../devices/setup";
import { controlHarness } from "./harness";

/** The agent's answer to a set: its error, as agent/control/control-iq.ts builds it, thrown as the
 * IQ caller throws an error reply. */
const refusing = (code: ErrorCode, text: string, param?: string) => async (iq: Element) => {
  throw StanzaError.fromStanza(
    xml(
      "iq",
      { type: "error", id: iq.attrs.id, from: iq.attrs.to },
      makeError(code, { text, ...(param !== undefined && { param }) }),
    ),
  );
};

async function owned() {
  const c = await controlHarness();
  await c.h.service.claim(ALICE, "kitchen", c.h.claimKey);
  const adhoc = async (fields: Record<string, string>) =>
    parseCommandReply(
      await c.commands.execute({
        from: ALICE,
        to: "hub.example.org",
        id: "1",
        type: "set",
        stanza: xml("iq", {}),
        child: xml(
          "command",
          { xmlns: NS_COMMANDS, node: CMD_CONTROL, action: "execute" },
          makeForm({
            type: "submit",
            fields: Object.entries(fields).map(([k, v]) => ({ var: k, values: [v] })),
          }),
        ),
      }),
    );
  return { ...c, adhoc };
}

/** The agent's answer → the hub's words, in each of its channels. */
const CASES: Array<[ErrorCode, string, string | undefined, string, string]> = [
  [
    "clock-unknown",
    "the device does not know the hub's time yet, so it cannot tell whether the command is still valid; nothing moved, send it again in a moment",
    undefined,
    "kitchen does not know the time yet; try again in a few seconds",
    "clock-unknown",
  ],
  [
    "issued-in-future",
    "the command is dated 1 h in the future by the hub's clock; nothing moved",
    undefined,
    "the command is stamped in the future: check the hub's clock",
    "issued-in-future",
  ],
  [
    "stale-seq",
    "a newer command for relay was applied first; this one was not applied (seq 4 < 5)",
    "relay",
    "a newer command for kitchen relay already ran",
    "stale-seq",
  ],
];

describe("the device's command refusals at the hub", () => {
  it.each(CASES)(
    "%s: chat, ad-hoc and the control log say what happened",
    async (code, text, param, words, reason) => {
      const c = await owned();
      c.h.answer = refusing(code, text, param);
      expect(await c.chat.set(ALICE, "kitchen", "relay", "on")).toBe(`Refused: ${words}.`);
      const out = await c.adhoc({ device: "kitchen", channel: "relay", value: "on" });
      expect(out.status).toBe("completed");
      expect(out.notes).toEqual([{ type: "error", text: `Refused: ${words}.` }]);
      expect(out.form?.fields.get("outcome")).toEqual(["refused"]);
      expect(out.form?.fields.get("reason")).toEqual([reason]);
      const outcomes = c.store.history("kitchen", 10).filter((e) => e.outcome !== "issued");
      expect(outcomes.map((e) => [e.outcome, e.detail])).toEqual([
        ["refused", words],
        ["refused", words],
      ]);
      expect(outcomes.every((e) => e.id !== null)).toBe(true);
    },
  );

  it("names the channel the device names in var, else the one commanded", () => {
    const stale = StanzaError.fromStanza(
      xml("iq", { type: "error" }, makeError("stale-seq", { text: "newer", param: "target" })),
    );
    expect(outcomeOfError("c1", stale, "kitchen", "relay")).toEqual({
      kind: "refused",
      id: "c1",
      reason: "a newer command for kitchen target already ran",
      refusal: "stale-seq",
    });
    const bare = StanzaError.fromStanza(xml("iq", { type: "error" }, makeError("stale-seq")));
    expect(outcomeOfError("c2", bare, "kitchen", "relay")).toMatchObject({
      reason: "a newer command for kitchen relay already ran",
    });
    expect(refusalReason("clock-unknown")).toBe(
      "the device does not know the time yet; try again in a few seconds",
    );
  });

  it("reads only the conditions it knows, in their namespace; without one an error is judged as before", () => {
    const errorWith = (type: string, condition: string, app?: Element) =>
      StanzaError.fromStanza(
        xml(
          "iq",
          { type: "error" },
          xml("error", { type }, xml(condition, { xmlns: NS_STANZAS }), ...(app ? [app] : [])),
        ),
      );
    const other = errorWith("cancel", "conflict", xml("clock-unknown", { xmlns: "urn:example:other" }));
    expect(refusalOf(other)).toBeUndefined();
    const unknown = errorWith("cancel", "conflict", xml("something-else", { xmlns: NS_XIOT_COMMAND }));
    expect(refusalOf(unknown)).toBeUndefined();
    expect(outcomeOfError("c3", unknown, "kitchen")).toEqual({
      kind: "refused",
      id: "c3",
      reason: "kitchen: conflict",
    });
    // An agent that predates the conditions: its unknown time is a failure, a future stamp refused.
    expect(outcomeOfError("c4", errorWith("wait", "internal-server-error"))).toMatchObject({
      kind: "failed",
    });
    expect(outcomeOfError("c5", errorWith("modify", "not-acceptable"))).toMatchObject({ kind: "refused" });
    expect(outcomeOfError("c6", errorWith("cancel", "not-acceptable"))).toEqual({
      kind: "expired",
      id: "c6",
    });
  });
});
