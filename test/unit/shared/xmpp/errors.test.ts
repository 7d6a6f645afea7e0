import { describe, expect, it } from "vitest";
import {
  DEFINED_CONDITIONS,
  ERROR_TYPES,
  ERRORS,
  type ErrorCode,
  type ErrorSpec,
  makeError,
} from "../../../../shared/xmpp/errors";
import { canon } from "../../../helpers/stanza";

const ST = "urn:ietf:params:xml:ns:xmpp-stanzas";
const ERR = "http://jabber.org/protocol/pubsub#errors";
const CTL = "urn:xmpp:iot:control";
const CMD = "http://jabber.org/protocol/commands";
const XC = "urn:xiot:command:0";

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

describe("the error table", () => {
  const entries = Object.entries(ERRORS) as [ErrorCode, ErrorSpec][];
  const APP_NAMESPACES = new Set([ERR, CTL, CMD, XC]);

  it("lists the 22 defined conditions of RFC 6120 §8.3.3 once each", () => {
    expect(DEFINED_CONDITIONS).toHaveLength(22);
    expect(new Set(DEFINED_CONDITIONS).size).toBe(22);
    expect(ERROR_TYPES).toEqual(["auth", "cancel", "continue", "modify", "wait"]);
  });

  it.each(entries)(
    "%s maps to a defined condition, a valid type and a namespaced application condition",
    (code, spec) => {
      expect(DEFINED_CONDITIONS as readonly string[]).toContain(spec.condition);
      expect(ERROR_TYPES as readonly string[]).toContain(spec.type);
      if (spec.app) {
        expect(APP_NAMESPACES).toContain(spec.app.ns);
        expect(spec.app.ns).not.toBe(ST);
        expect(spec.app.name).toMatch(/^[A-Za-z][A-Za-z0-9-]*$/);
      }
      // What the builder sends: type, the condition in the stanzas namespace, then the application condition.
      const el = makeError(code, { param: "p", text: "t" });
      expect(el.attrs).toEqual({ type: spec.type });
      const [condition, text, app, ...rest] = el.getChildElements();
      expect(condition?.name).toBe(spec.condition);
      expect(condition?.attrs).toEqual({ xmlns: ST });
      expect(text?.attrs).toEqual({ xmlns: ST, "xml:lang": "en" });
      expect(app?.name).toBe(spec.app?.name);
      expect(app?.attrs.xmlns).toBe(spec.app?.ns);
      expect(rest).toEqual([]);
    },
  );
});

describe("control errors (XEP-0325 §3.5), as the agent sends them", () => {
  it("names an unknown parameter in paramError, repeating the text", () => {
    expect(makeError("unknown-field", { param: "nope", text: 'unknown field "nope"' }).toString()).toBe(
      `<error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas" xml:lang="en">unknown field "nope"</text><paramError xmlns="urn:xmpp:iot:control" var="nope">unknown field "nope"</paramError></error>`,
    );
  });

  it("sends a bad value and a failing device with the parameter, and without paramError when none is named", () => {
    expect(canon(makeError("bad-value", { param: "relay", text: "relay: not a boolean" }))).toBe(
      canon(
        `<error type='modify'><bad-request xmlns='${ST}'/><text xmlns='${ST}' xml:lang='en'>relay: not a boolean</text><paramError xmlns='${CTL}' var='relay'>relay: not a boolean</paramError></error>`,
      ),
    );
    expect(canon(makeError("bad-value", { text: "no parameter to set" }))).toBe(
      canon(
        `<error type='modify'><bad-request xmlns='${ST}'/><text xmlns='${ST}' xml:lang='en'>no parameter to set</text></error>`,
      ),
    );
    expect(canon(makeError("device-error", { param: "relay", text: "relay: stuck" }))).toBe(
      canon(
        `<error type='wait'><internal-server-error xmlns='${ST}'/><text xmlns='${ST}' xml:lang='en'>relay: stuck</text><paramError xmlns='${CTL}' var='relay'>relay: stuck</paramError></error>`,
      ),
    );
  });

  it("sends an expired command as cancel/not-acceptable and a refusal as auth/forbidden", () => {
    expect(canon(makeError("expired", { text: "command c1 expired" }))).toBe(
      canon(
        `<error type='cancel'><not-acceptable xmlns='${ST}'/><text xmlns='${ST}' xml:lang='en'>command c1 expired</text></error>`,
      ),
    );
    expect(canon(makeError("forbidden", { text: "not allowed to control this device" }))).toBe(
      canon(
        `<error type='auth'><forbidden xmlns='${ST}'/><text xmlns='${ST}' xml:lang='en'>not allowed to control this device</text></error>`,
      ),
    );
  });
});

describe("hub and readout errors", () => {
  it("leaves xml:lang out when asked (the registry, the router, the readout)", () => {
    expect(makeError("forbidden", { text: "not allowed to read this device", lang: null }).toString()).toBe(
      `<error type="auth"><forbidden xmlns="${ST}"/><text xmlns="${ST}">not allowed to read this device</text></error>`,
    );
    expect(makeError("bad-request").toString()).toBe(
      `<error type="modify"><bad-request xmlns="${ST}"/></error>`,
    );
  });

  it("answers a throwing handler with cancel/internal-server-error and no handler with service-unavailable", () => {
    expect(makeError("handler-failed").toString()).toBe(
      `<error type="cancel"><internal-server-error xmlns="${ST}"/></error>`,
    );
    expect(makeError("service-unavailable").toString()).toBe(
      `<error type="cancel"><service-unavailable xmlns="${ST}"/></error>`,
    );
  });

  it("sends a malformed ad-hoc request with XEP-0050's malformed-action (§4.4)", () => {
    expect(makeError("malformed-action").toString()).toBe(
      `<error type="modify"><bad-request xmlns="${ST}"/><malformed-action xmlns="${CMD}"/></error>`,
    );
  });

  it("keeps application conditions other than paramError free of text and parameter", () => {
    expect(makeError("closed-node", { param: "x" }).toString()).toBe(
      `<error type="cancel"><not-allowed xmlns="${ST}"/><closed-node xmlns="${ERR}"/></error>`,
    );
    expect(makeError("malformed-action", { feature: "x" }).getChild("malformed-action", CMD)?.attrs).toEqual({
      xmlns: CMD,
    });
  });
});

describe("command refusals (docs/design.md §2), as the agent sends them", () => {
  it("sends an unknown hub time as wait/unexpected-request with <clock-unknown/>", () => {
    expect(
      makeError("clock-unknown", { text: "the device does not know the hub's time yet" }).toString(),
    ).toBe(
      `<error type="wait"><unexpected-request xmlns="${ST}"/><text xmlns="${ST}" xml:lang="en">the device does not know the hub's time yet</text><clock-unknown xmlns="${XC}"/></error>`,
    );
  });

  it("sends a command stamped in the future as modify/not-acceptable with <issued-in-future/>", () => {
    expect(makeError("issued-in-future", { text: "dated 1 h ahead" }).toString()).toBe(
      `<error type="modify"><not-acceptable xmlns="${ST}"/><text xmlns="${ST}" xml:lang="en">dated 1 h ahead</text><issued-in-future xmlns="${XC}"/></error>`,
    );
  });

  it("sends a stale seq as cancel/conflict with <stale-seq/> naming the channel, and no text inside it", () => {
    expect(makeError("stale-seq", { param: "relay", text: "seq 6 < 7" }).toString()).toBe(
      `<error type="cancel"><conflict xmlns="${ST}"/><text xmlns="${ST}" xml:lang="en">seq 6 &lt; 7</text><stale-seq xmlns="${XC}" var="relay"/></error>`,
    );
    expect(makeError("stale-seq").toString()).toBe(
      `<error type="cancel"><conflict xmlns="${ST}"/><stale-seq xmlns="${XC}"/></error>`,
    );
  });

  it("leaves the errors they replace as they were on the wire", () => {
    // A repeated id whose channel moved since: the plain conflict, whatever parameter is given.
    expect(makeError("conflict", { param: "relay", text: "moved" }).toString()).toBe(
      `<error type="cancel"><conflict xmlns="${ST}"/><text xmlns="${ST}" xml:lang="en">moved</text></error>`,
    );
    expect(makeError("not-acceptable").toString()).toBe(
      `<error type="modify"><not-acceptable xmlns="${ST}"/></error>`,
    );
    expect(makeError("internal-server-error").toString()).toBe(
      `<error type="wait"><internal-server-error xmlns="${ST}"/></error>`,
    );
    expect(makeError("expired").toString()).toBe(
      `<error type="cancel"><not-acceptable xmlns="${ST}"/></error>`,
    );
  });
});
