/* `xiot server --public`: a private CA and a certificate for the domain, STARTTLS required for
 * clients. A client that trusts the CA (NODE_EXTRA_CA_CERTS, as the agent's xmpp.ca applies it)
 * registers and logs in over TLS; one that does not is refused by certificate verification. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerInfo } from "../../server/run";
import { type CliProcess, ROOT, runXiot } from "../helpers/cli";

const LOGIN = fileURLToPath(new URL("../helpers/tls-login.ts", import.meta.url));

async function login(info: ServerInfo, username: string, env: NodeJS.ProcessEnv) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", LOGIN, info.c2s, info.domain, username, "pw-1234567"],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  await once(child, "exit");
  return JSON.parse(out.trim()) as { ok: boolean; secure?: boolean; error?: string };
}

describe("xiot server --public", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-public-"));
  let server: CliProcess;
  let info: ServerInfo & { ca?: string };

  beforeAll(async () => {
    server = runXiot([
      "server",
      "--public",
      "--dir",
      dir,
      "--c2s-port",
      "0",
      "--component-port",
      "0",
      "--http-port",
      "0",
    ]);
    info = await server.ready(60_000);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("names its CA in the ready line and keeps the keys private", () => {
    expect(info.ca).toBe(join(dir, "certs", "ca.crt"));
    expect(readFileSync(info.ca as string, "utf8")).toContain("BEGIN CERTIFICATE");
    expect(statSync(join(dir, "certs", "ca.key")).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, "certs", "localhost.crt"))).toBe(true);
  });

  it("serves clients over STARTTLS to those who trust its CA", async () => {
    const result = await login(info, "tls-user", { NODE_EXTRA_CA_CERTS: info.ca });
    expect(result).toEqual({ ok: true, jid: "tls-user@localhost", secure: true });
  });

  it("is refused by a client that does not trust its CA", async () => {
    const result = await login(info, "untrusting", { NODE_EXTRA_CA_CERTS: "" });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/certificate/i);
  });
});
