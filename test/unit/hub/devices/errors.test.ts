import { describe, expect, it } from "vitest";
import { makeDeviceError } from "../../../../hub/devices/errors";

const NS = "urn:ietf:params:xml:ns:xmpp-stanzas";

describe("device errors on the wire", () => {
  it("maps a lockout to wait/policy-violation with the retry time", () => {
    const el = makeDeviceError({ ok: false, error: "locked-out", retryAt: Date.UTC(2030, 0, 1) });
    expect(el.toString()).toBe(
      `<error type="wait"><policy-violation xmlns="${NS}"/><text xmlns="${NS}">retry after 2030-01-01T00:00:00.000Z</text></error>`,
    );
  });

  it("maps a refused tag to modify/not-acceptable naming it", () => {
    const el = makeDeviceError({ ok: false, error: "not-acceptable", detail: "tag not allowed: colour" });
    expect(el.attrs.type).toBe("modify");
    expect(el.getChild("not-acceptable", NS)).toBeDefined();
    expect(el.getChildText("text", NS)).toBe("tag not allowed: colour");
  });

  it("has no text when there is no detail", () => {
    expect(makeDeviceError({ ok: false, error: "forbidden" }).toString()).toBe(
      `<error type="auth"><forbidden xmlns="${NS}"/></error>`,
    );
  });
});
