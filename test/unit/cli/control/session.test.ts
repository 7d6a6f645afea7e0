import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveUserSession } from "../../../../cli/control/session";

function stack(accounts: Record<string, { username: string; password: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), "xiot-user-session-"));
  writeFileSync(join(dir, "accounts.json"), JSON.stringify(accounts));
  writeFileSync(
    join(dir, "server.json"),
    JSON.stringify({ c2s: "xmpp://127.0.0.1:5222", domain: "localhost", hub: "hub.localhost" }),
  );
  return dir;
}

const input = (dir: string, extra: object = {}) => ({
  dir,
  xmpp: { allowPlaintext: false },
  hub: {},
  log: { level: "warn" as const, format: "pretty" as const },
  ...extra,
});

const demo = { username: "demo", password: "d-pw" };
const admin = { username: "admin", password: "a-pw" };

describe("resolveUserSession", () => {
  it("logs in as the stack's demo user by default, and as the admin with --as admin", () => {
    const dir = stack({ demo, admin });
    expect(resolveUserSession(input(dir)).client).toMatchObject({ username: "demo", password: "d-pw" });
    expect(resolveUserSession(input(dir, { as: "admin" })).client).toMatchObject({
      username: "admin",
      password: "a-pw",
    });
  });

  it("a password flag wins over the folder's, for the folder's user", () => {
    const dir = stack({ demo });
    const session = resolveUserSession(input(dir, { xmpp: { allowPlaintext: false, password: "wrong" } }));
    expect(session.client).toMatchObject({ username: "demo", password: "wrong" });
  });

  it("a folder without a demo user falls back to its admin", () => {
    const dir = stack({ admin });
    expect(resolveUserSession(input(dir)).client.username).toBe("admin");
  });
});
