import { describe, expect, it } from "vitest";
import { componentSecret } from "../../../server/run";

describe("the hub's component secret", () => {
  it("is 32 base64url characters that never read as a flag after --xmpp.password", () => {
    // One base64url start in 64 is "-": 4000 draws would show it with near certainty.
    const secrets = Array.from({ length: 4000 }, componentSecret);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{31}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});
