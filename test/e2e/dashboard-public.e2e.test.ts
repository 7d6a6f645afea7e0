/* The dashboard over a network: with `xiot server --public`, the hub (`--server-dir`) serves the
 * dashboard over HTTPS with the server's certificate, and the page logs in over WSS (the server's
 * WebSocket on its HTTPS port). Chromium trusts exactly that certificate (by its public key, as a
 * person who checked the fingerprint would) and nothing else; plain HTTP gets no page, and a hub
 * told to serve plain HTTP off loopback refuses to start, naming the key.
 * References: RFC 9110 §4.2.2 (https), RFC 7395 (WebSocket, wss), docs/design.md §5. */
import { spawn } from "node:child_process";
import { createHash, createPublicKey } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerInfo } from "../../server/run";
import { type CliProcess, jsonLogLines, ROOT, runXiot } from "../helpers/cli";
import { type DashboardBrowser, logIn, openDashboard } from "./dashboard-browser";

const LOGIN = fileURLToPath(new URL("../helpers/tls-login.ts", import.meta.url));
const PORTS = ["--c2s-port", "0", "--component-port", "0", "--http-port", "0", "--https-port", "0"];

/** The certificate's public key hash, as Chromium's --ignore-certificate-errors-spki-list takes it. */
const spkiHash = (pem: string) =>
  createHash("sha256")
    .update(createPublicKey(pem).export({ type: "spki", format: "der" }))
    .digest("base64");

describe("the dashboard of a --public server", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-dash-public-"));
  const serverDir = join(dir, "server");
  let server: CliProcess;
  let hub: CliProcess;
  let info: ServerInfo;
  let port: number;
  let dash: DashboardBrowser | undefined;

  beforeAll(async () => {
    server = runXiot(["server", "--public", "--dir", serverDir, ...PORTS]);
    info = await server.ready(60_000);
    hub = runXiot([
      "hub",
      "--server-dir",
      serverDir,
      "--http.port",
      "0",
      "--http.host",
      "0.0.0.0",
      "--log.format",
      "json",
    ]);
    await hub.ready(30_000);
    await hub.waitForLine("stderr", (t) => t.includes("dashboard at"), 10_000);
    const url = new URL(String(jsonLogLines(hub.stderr).find((l) => typeof l.url === "string")?.url));
    expect(url.protocol).toBe("https:");
    port = Number(url.port);
  });
  afterAll(async () => {
    await dash?.close();
    await hub?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("offers its WebSocket over WSS on the HTTPS port", () => {
    expect(info.websocket).toMatch(/^wss:\/\/localhost:\d+\/xmpp-websocket$/);
  });

  it("serves the page over HTTPS with the server's certificate; the page logs in over WSS", async () => {
    // An invited person (in-band registration takes invitations only with --public).
    const invite = runXiot(["invite", "--dir", serverDir]);
    expect((await invite.exited).code).toBe(0);
    const token = invite.stdout
      .map((l) => l.text)
      .join("")
      .split("preauth=")[1] as string;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", LOGIN, info.c2s, info.domain, "carol", "pw-1234567", token],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: info.ca },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    await once(child, "exit");
    expect(JSON.parse(out)).toMatchObject({ ok: true, secure: true });

    const certificate = readFileSync(join(serverDir, "certs", "localhost.crt"), "utf8");
    dash = await openDashboard(`https://localhost:${port}/`, undefined, [
      `--ignore-certificate-errors-spki-list=${spkiHash(certificate)}`,
    ]);
    const config = await dash.page.evaluate(async () => (await fetch("/config.json")).json());
    expect(config).toMatchObject({ domain: "localhost", hub: "hub.localhost", websocket: info.websocket });
    await logIn(dash.page, "carol@localhost", "pw-1234567");
    await dash.page.waitForSelector("#login", { state: "hidden" });
    expect(await dash.page.textContent("#who")).toBe("carol@localhost");
    expect(dash.errors).toEqual([]);
  });

  it("answers no page over plain HTTP", async () => {
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it("a hub told to serve plain HTTP off loopback refuses to start, naming the key", async () => {
    const plain = runXiot([
      "hub",
      "--xmpp.service",
      "xmpp://127.0.0.1:1",
      "--xmpp.domain",
      "hub.localhost",
      "--xmpp.password",
      "x",
      "--http.host",
      "0.0.0.0",
    ]);
    const { code } = await plain.exited;
    expect(code).toBe(2);
    expect(plain.stderr.map((l) => l.text).join("\n")).toContain(
      'xiot hub: configuration key "http.host": 0.0.0.0 is not loopback: plain HTTP stays on this machine',
    );
  });
});
