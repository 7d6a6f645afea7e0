/* A wrong password is said at once, in words, and never retried: every CLI command, the agent and
 * the hub (a wrong component secret) exit 77 (EX_NOPERM) naming the account. Each run goes through
 * a TCP proxy in front of the real Prosody, so the test counts the connections it made: one.
 * References: RFC 6120 §6.5.10 (not-authorized, which Prosody answers for a wrong password and for
 * an unknown account alike), XEP-0114 §3 (a refused component handshake). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE } from "../helpers/agent/e2e";
import { runXiot } from "../helpers/cli";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";
import { startServer, type TestServer } from "./server";

const text = (lines: { text: string }[]) => lines.map((l) => l.text).join("\n");

describe("a wrong password", () => {
  let server: TestServer;
  let proxy: TcpProxy | undefined;

  beforeAll(async () => {
    server = await startServer();
    // The layout `xiot up` leaves: the demo user in accounts.json beside server.json.
    const demo = await server.register("demo");
    writeFileSync(join(server.dir, "accounts.json"), JSON.stringify({ demo }), { mode: 0o600 });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const through = async (port: number) => {
    proxy = await startTcpProxy({ host: "127.0.0.1", port });
    return proxy;
  };

  it.each([
    ["get", ["get", "sim-1"]],
    ["set", ["set", "sim-1", "relay", "on"]],
    ["watch", ["watch", "sim-1"]],
    ["devices", ["devices"]],
  ])("xiot %s says so at once, exits 77 and logs in once", { timeout: 10_000 }, async (name, args) => {
    const { url } = await through(server.ports.c2s);
    const proc = runXiot([...args, "--dir", server.dir, "--xmpp.service", url, "--xmpp.password", "wrong"]);
    const { code } = await proc.exited;
    expect(code).toBe(77);
    expect(text(proc.stderr)).toBe(`xiot ${name}: wrong password (or no such account) for demo@localhost`);
    expect(proc.stdout).toEqual([]);
    expect(proxy?.accepted).toBe(1);
  });

  it("the agent exits 77 naming its account instead of retrying", { timeout: 10_000 }, async () => {
    const account = await server.register("porch-1");
    const { url } = await through(server.ports.c2s);
    const proc = runXiot([
      "agent",
      "--config",
      EXAMPLE,
      "--device.id",
      account.username,
      "--xmpp.service",
      url,
      "--xmpp.domain",
      server.info.domain,
      "--xmpp.password",
      "wrong",
      "--state.dir",
      join(server.dir, "porch-1-state"),
    ]);
    const { code } = await proc.exited;
    expect(code).toBe(77);
    expect(text(proc.stderr)).toContain(
      "xiot agent: wrong password (or no such account) for porch-1@localhost",
    );
    expect(proc.stdout).toEqual([]);
    expect(proxy?.accepted).toBe(1);
  });

  it("the hub with a wrong component secret exits 77 naming the secret's key", {
    timeout: 10_000,
  }, async () => {
    const { url } = await through(server.ports.component);
    const proc = runXiot([
      "hub",
      "--dir",
      join(server.dir, "hub-wrong"),
      "--server-dir",
      server.dir,
      "--xmpp.service",
      url,
      "--xmpp.password",
      "wrong",
    ]);
    const { code } = await proc.exited;
    expect(code).toBe(77);
    expect(text(proc.stderr)).toContain(
      "xiot hub: the server refused the component secret for hub.localhost (not-authorized): check xmpp.password",
    );
    expect(proc.stdout).toEqual([]);
    expect(proxy?.accepted).toBe(1);
  });
});
