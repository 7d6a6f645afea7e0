import { describe, expect, it } from "vitest";
import { errorOf } from "../../../../hub/devices/protocol-xml";
import type { DeviceErrorCode } from "../../../../hub/devices/types";
import { ERRORS } from "../../../../shared/xmpp/errors";

const NS = "urn:ietf:params:xml:ns:xmpp-stanzas";

describe("device errors on the wire", () => {
  it("maps a lockout to wait/policy-violation with the retry time", () => {
    const el = errorOf({ ok: false, error: "locked-out", retryAt: Date.UTC(2030, 0, 1) });
    expect(el.toString()).toBe(
      `<error type="wait"><policy-violation xmlns="${NS}"/><text xmlns="${NS}">retry after 2030-01-01T00:00:00.000Z</text></error>`,
    );
  });

  it("maps a refused tag to modify/not-acceptable naming it", () => {
    const el = errorOf({ ok: false, error: "not-acceptable", detail: "tag not allowed: colour" });
    expect(el.attrs.type).toBe("modify");
    expect(el.getChild("not-acceptable", NS)).toBeDefined();
    expect(el.getChildText("text", NS)).toBe("tag not allowed: colour");
  });

  it("has no text when there is no detail", () => {
    expect(errorOf({ ok: false, error: "forbidden" }).toString()).toBe(
      `<error type="auth"><forbidden xmlns="${NS}"/></error>`,
    );
  });

  it("joins the detail and the retry time in one text", () => {
    const el = errorOf({ ok: false, error: "locked-out", detail: "too many tries", retryAt: 0 });
    expect(el.toString()).toBe(
      `<error type="wait"><policy-violation xmlns="${NS}"/><text xmlns="${NS}">too many tries; retry after 1970-01-01T00:00:00.000Z</text></error>`,
    );
  });

  it("sends every device code as it did before the tables were merged", () => {
    // The former hub/devices/errors.ts table, kept here so the wire cannot drift; jid-malformed
    // came later (RFC 6120 §8.3.3.8), when every JID began to be prepared.
    const before: Record<DeviceErrorCode, { type: string; condition: string }> = {
      "jid-malformed": { type: "modify", condition: "jid-malformed" },
      "bad-request": { type: "modify", condition: "bad-request" },
      forbidden: { type: "auth", condition: "forbidden" },
      "item-not-found": { type: "cancel", condition: "item-not-found" },
      conflict: { type: "cancel", condition: "conflict" },
      "not-acceptable": { type: "modify", condition: "not-acceptable" },
      "not-authorized": { type: "auth", condition: "not-authorized" },
      "locked-out": { type: "wait", condition: "policy-violation" },
    };
    for (const [code, wire] of Object.entries(before) as [
      DeviceErrorCode,
      (typeof before)[DeviceErrorCode],
    ][]) {
      expect(ERRORS[code]).toEqual(wire);
      expect(errorOf({ ok: false, error: code, detail: "d" }).toString()).toBe(
        `<error type="${wire.type}"><${wire.condition} xmlns="${NS}"/><text xmlns="${NS}">d</text></error>`,
      );
    }
  });
});
