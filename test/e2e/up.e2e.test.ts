import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import xml from "@xmpp/xml";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/log";
import { createClient } from "../../shared/xmpp/client";
import { ROOT, runXiot } from "../helpers/cli";
import { startStack } from "./stack";

/** Logs in over XMPP WebSocket (RFC 7395) as a browser would; Node 20 needs the flag for WebSocket. */
const WS_LOGIN = `
import { client, xml } from "@xmpp/client";
const { WS_SERVICE: service, WS_DOMAIN: domain, WS_USER: username, WS_PASSWORD: password } = process.env;
const xmpp = client({ service, domain, username, password });
xmpp.reconnect.stop();
xmpp.on("error", (e) => { console.error(e.message); process.exit(1); });
const jid = await xmpp.start();
const pong = await xmpp.iqCaller.request(xml("iq", { type: "get", to: domain }, xml("ping", { xmlns: "urn:xmpp:ping" })));
console.log(JSON.stringify({ jid: jid.toString(), pong: pong.attrs.type }));
await xmpp.stop();
`;

function loginOverWebSocket(service: string, domain: string, user: string, password: string) {
  return new Promise<{ jid: string; pong: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--experimental-websocket", "--no-warnings", "--input-type=module", "-e", WS_LOGIN],
      {
        cwd: ROOT,
        timeout: 20_000,
        env: { ...process.env, WS_SERVICE: service, WS_DOMAIN: domain, WS_USER: user, WS_PASSWORD: password },
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

const execFileAsync = promisify(execFile);

describe("xiot up (npm start)", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-up-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const up = () => startStack(dir);

  it("starts server, hub and a simulated device, makes a demo login that works, and reuses it", async () => {
    const first = await up();
    expect(first.ready.user).toBe("demo@localhost");
    expect(first.ready.device).toBe("sim-1");
    // The ready line is a contract: exactly these keys, in this order.
    expect(Object.keys(first.ready)).toEqual([
      "ready",
      "dashboard",
      "domain",
      "c2s",
      "component",
      "websocket",
      "hub",
      "device",
      "user",
      "password",
    ]);
    expect(first.ready.dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await first.proc.waitForLine("stderr", (t) => t.includes(`dashboard at ${first.ready.dashboard}`), 5000);
    // The summary after the logs: the login, what to do next, and that TLS is off.
    await first.proc.waitForLine("stderr", (t) => t.includes("Ctrl-C stops everything"), 5000);
    const summary = first.proc.stderr.map((l) => l.text).join("\n");
    expect(summary).toContain(`  log in as demo@localhost  password ${first.ready.password}`);
    expect(summary).toContain('chat "help" to sim-1@localhost/agent');
    expect(summary).toContain("  TLS is off: clients log in in plain text, on 127.0.0.1 only");

    // The dashboard page and its bundle are served; /config.json tells the page where to log in.
    const page = await fetch(first.ready.dashboard);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>xiot dashboard</title>");
    const bundle = await fetch(`${first.ready.dashboard}app.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(10_000);
    const clientConfig = (await (await fetch(`${first.ready.dashboard}config.json`)).json()) as Record<
      string,
      string
    >;
    expect(clientConfig).toEqual({
      domain: "localhost",
      hub: "hub.localhost",
      websocket: first.ready.websocket,
    });
    expect((await fetch(`${first.ready.dashboard}healthz`)).status).toBe(200);
    const viaWebSocket = await loginOverWebSocket(
      clientConfig.websocket!,
      clientConfig.domain!,
      first.ready.user.split("@")[0]!,
      first.ready.password,
    );
    expect(viaWebSocket.jid.startsWith("demo@localhost/")).toBe(true);
    expect(viaWebSocket.pong).toBe("result");
    const [username] = first.ready.user.split("@");
    const connection = createClient({
      config: {
        service: first.ready.c2s,
        domain: first.ready.domain,
        username: username!,
        password: first.ready.password,
      },
      log: silentLogger(),
    });
    await connection.start();
    const pong = await connection.request(
      xml("iq", { type: "get", to: first.ready.hub }, xml("ping", { xmlns: "urn:xmpp:ping" })),
    );
    expect(pong.attrs.type).toBe("result");
    // The demo user may read the simulated device's readings (the agent allows it).
    const items = await connection.request(
      xml(
        "iq",
        { type: "get", to: first.ready.hub },
        xml(
          "pubsub",
          { xmlns: "http://jabber.org/protocol/pubsub" },
          xml("items", { node: "devices/sim-1/meta" }),
        ),
      ),
    );
    expect(items.getChild("pubsub")?.getChild("items")?.getChildren("item").length).toBe(1);
    await connection.stop();
    expect(statSync(join(dir, "accounts.json")).mode & 0o777).toBe(0o600);

    // sim-1 is provisioned with the hub and owned by the demo user: the stack's tools see it.
    const devices = runXiot(["devices", "--dir", dir, "--json"]);
    expect((await devices.exited).code).toBe(0);
    const listed = JSON.parse(devices.stdout[0]?.text ?? "{}") as {
      devices: { id: string; owner?: string }[];
    };
    expect(listed.devices.find((d) => d.id === "sim-1")?.owner).toBe("demo@localhost");
    const set = runXiot(["set", "sim-1", "relay", "on", "--dir", dir]);
    const setExit = await set.exited;
    expect(setExit.code, set.stderr.map((l) => l.text).join("\n")).toBe(0);
    // The hub counted the command's outcome.
    const metrics = await (await fetch(new URL("/metrics", first.ready.dashboard))).text();
    expect(metrics).toMatch(/^xiot_commands_total\{outcome="done"\} 1$/m);
    const firstExit = await first.proc.stop("SIGINT");
    expect(firstExit, first.proc.stderr.map((l) => l.text).join("\n")).toEqual({ code: 0, signal: null });

    const second = await up();
    expect(second.ready.password).toBe(first.ready.password);
    // Ports picked with 0 are kept across restarts: provisioned agents and bookmarks still work.
    for (const key of ["c2s", "component", "websocket", "dashboard"] as const)
      expect(second.ready[key], key).toBe(first.ready[key]);
    expect(second.proc.stderr.some((l) => l.text.includes("created the account"))).toBe(false);
    const secondExit = await second.proc.stop("SIGTERM");
    expect(secondExit, second.proc.stderr.map((l) => l.text).join("\n")).toEqual({ code: 0, signal: null });
  });

  it("stops everything it started when a later step fails (the dashboard's port is taken)", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await once(blocker, "listening");
    const taken = (blocker.address() as AddressInfo).port;
    const other = mkdtempSync(join(tmpdir(), "xiot-up-fail-"));
    try {
      const free = ["--c2s-port", "0", "--component-port", "0", "--http-port", "0"];
      const proc = runXiot(["up", "--dir", other, ...free, "--dashboard-port", String(taken)]);
      const exit = await proc.exited;
      expect(exit.code).toBe(1);
      expect(proc.stderr.map((l) => l.text).join("\n")).toContain("--dashboard-port");
      // No Prosody of that folder is left running.
      const { stdout } = await execFileAsync("ps", ["-eo", "args"]);
      expect(stdout).not.toContain(join(other, "server", "prosody.cfg.lua"));
    } finally {
      blocker.close();
      rmSync(other, { recursive: true, force: true });
    }
  });
});
