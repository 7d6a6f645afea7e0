/* `xiot server --public`: a private CA and a certificate for the domain, STARTTLS required for
 * clients, and in-band registration only with an invitation. A person invited with `xiot invite`
 * (XEP-0401) registers with a client that trusts the CA (NODE_EXTRA_CA_CERTS, as the agent's
 * xmpp.ca applies it), logs in over TLS and changes the password from the client (XEP-0077 §3.3);
 * a client that does not trust the CA is refused by certificate verification. */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerInfo } from "../../server/run";
import { type CliProcess, ROOT, runXiot } from "../helpers/cli";

const LOGIN = fileURLToPath(new URL("../helpers/tls-login.ts", import.meta.url));

async function login(info: ServerInfo, username: string, env: NodeJS.ProcessEnv, ...more: string[]) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", LOGIN, info.c2s, info.domain, username, "pw-1234567", ...more],
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

/** `xiot invite` on the server's folder: the link it prints and its exit code. */
async function invite(dir: string) {
  const p = runXiot(["invite", "--dir", dir]);
  const { code } = await p.exited;
  return {
    code,
    link: p.stdout
      .map((l) => l.text)
      .join("\n")
      .trim(),
    err: p.stderr.map((l) => l.text).join("\n"),
  };
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
      "--https-port",
      "0",
    ]);
    info = await server.ready(60_000);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("names its CA and the CA's SHA-256 fingerprint in the ready line and keeps the keys private", () => {
    expect(info.ca).toBe(join(dir, "certs", "ca.crt"));
    const openssl = spawnSync(
      "openssl",
      ["x509", "-in", info.ca as string, "-noout", "-fingerprint", "-sha256"],
      {
        encoding: "utf8",
      },
    );
    expect(openssl.stdout.trim()).toBe(`sha256 Fingerprint=${info.caSha256}`);
    expect(readFileSync(info.ca as string, "utf8")).toContain("BEGIN CERTIFICATE");
    expect(statSync(join(dir, "certs", "ca.key")).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, "certs", "localhost.crt"))).toBe(true);
  });

  it("takes no registration without an invitation", async () => {
    const result = await login(info, "uninvited", { NODE_EXTRA_CA_CERTS: info.ca });
    expect(result).toEqual({
      ok: false,
      error:
        "the server does not accept uninvited@localhost or its password: Registration on this server is through invitation only",
    });
  });

  it("invites a person, who registers over STARTTLS and changes the password from the client", async () => {
    const { code, link } = await invite(dir);
    expect(code).toBe(0);
    const token = /^xmpp:localhost\?register;preauth=([\w-]+)$/.exec(link)?.[1];
    expect(token, link).toBeDefined();
    const result = await login(
      info,
      "tls-user",
      { NODE_EXTRA_CA_CERTS: info.ca },
      token as string,
      "pw-changed-1",
    );
    expect(result).toEqual({
      ok: true,
      jid: "tls-user@localhost",
      secure: true,
      changed: true,
      oldRefused: true,
    });
    // An invitation works once.
    const again = await login(info, "tls-other", { NODE_EXTRA_CA_CERTS: info.ca }, token as string);
    expect(again.ok).toBe(false);
  });

  it("is refused by a client that does not trust its CA", async () => {
    const { link } = await invite(dir);
    const token = link.split("preauth=")[1] as string;
    const result = await login(info, "untrusting", { NODE_EXTRA_CA_CERTS: "" }, token);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/certificate/i);
  });

  it("says where no server is", async () => {
    const missing = join(dir, "nothing-here");
    const { code, err } = await invite(missing);
    expect(code).toBe(1);
    expect(err).toContain(
      `xiot invite: no server in ${missing}: start one with xiot server --dir ${missing}`,
    );
  });
});
