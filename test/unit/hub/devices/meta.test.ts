import { describe, expect, it } from "vitest";
import { validateMeta } from "../../../../hub/devices/meta";

describe("registration meta", () => {
  it("accepts the allowed tags", () => {
    const meta = { serial: "SN-1", model: "sim-thermo", firmware: "1.2.3", mac: "00:11:22:33:44:55" };
    expect(validateMeta(meta)).toEqual({ ok: true, value: meta });
  });

  it.each([
    [{ colour: "red" }, "tag not allowed: colour"],
    [{ ["x".repeat(33)]: "v" }, `tag name too long: ${"x".repeat(32)}…`],
    [{ serial: "s".repeat(257) }, "bad value for tag serial"],
    [{ serial: "a\nb" }, "bad value for tag serial"],
    [{ serial: 42 }, "bad value for tag serial"],
    [Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`t${i}`, "v"])), "more than 16 tags"],
  ])("refuses %j as not-acceptable naming it", (meta, detail) => {
    expect(validateMeta(meta)).toEqual({ ok: false, error: "not-acceptable", detail });
  });

  it("accepts values up to 256 characters", () => {
    expect(validateMeta({ serial: "s".repeat(256) }).ok).toBe(true);
  });
});
