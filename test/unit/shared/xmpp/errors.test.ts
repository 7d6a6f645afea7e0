import { describe, expect, it } from "vitest";
import { ERRORS, makeError } from "../../../../shared/xmpp/errors";
import { canon } from "../../../helpers/stanza";

const ST = "urn:ietf:params:xml:ns:xmpp-stanzas";
const ERR = "http://jabber.org/protocol/pubsub#errors";

describe("stanza errors", () => {
  it("builds the condition with its pubsub#errors child", () => {
    expect(canon(makeError("payload-too-big"))).toBe(
      canon(`<error type='modify'><not-acceptable xmlns='${ST}'/><payload-too-big xmlns='${ERR}'/></error>`),
    );
    expect(canon(makeError("pending-subscription"))).toBe(
      canon(
        `<error type='auth'><not-authorized xmlns='${ST}'/><pending-subscription xmlns='${ERR}'/></error>`,
      ),
    );
  });

  it("names the unsupported feature", () => {
    expect(canon(makeError("unsupported", { feature: "access-presence" }))).toBe(
      canon(
        `<error type='cancel'><feature-not-implemented xmlns='${ST}'/><unsupported xmlns='${ERR}' feature='access-presence'/></error>`,
      ),
    );
  });

  it("puts text between the defined condition and the application condition", () => {
    expect(canon(makeError("closed-node", { text: "members only" }))).toBe(
      canon(
        `<error type='cancel'><not-allowed xmlns='${ST}'/><text xmlns='${ST}' xml:lang='en'>members only</text><closed-node xmlns='${ERR}'/></error>`,
      ),
    );
  });

  it("maps every code to an RFC 6120 error type", () => {
    for (const spec of Object.values(ERRORS)) {
      expect(["auth", "cancel", "continue", "modify", "wait"]).toContain(spec.type);
    }
    expect(ERRORS["rate-limited"]).toEqual({ type: "wait", condition: "policy-violation" });
  });
});
