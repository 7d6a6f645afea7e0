import { describe, expect, it } from "vitest";
import { DEFAULT_RATES, serverSchema } from "../../../server/config";
import { renderProsodyConfig } from "../../../server/prosody-config";

const base = {
  dir: "/data/x",
  domain: "example.org",
  hubSecret: "s3cret",
  ports: { c2s: 15222, component: 15347, http: 15280 },
  interfaces: ["127.0.0.1"],
  componentInterfaces: ["127.0.0.1"],
  requireEncryption: false,
  runAsRoot: false,
  logLevel: "info" as const,
  smacksHibernationSeconds: 600,
};

describe("the generated Prosody configuration", () => {
  const config = renderProsodyConfig(base);

  it("listens on loopback on the given ports, with no s2s and no https", () => {
    expect(config).toContain('interfaces = { "127.0.0.1" }');
    expect(config).toContain("c2s_ports = { 15222 }");
    expect(config).toContain("component_ports = { 15347 }");
    expect(config).toContain("http_ports = { 15280 }");
    expect(config).toContain("https_ports = {  }");
    expect(config).toContain('modules_disabled = { "s2s", "s2s_auth_certs" }');
  });

  it("opens registration without invites and keeps everything under the data folder", () => {
    expect(config).toContain("registration_invite_only = false");
    expect(config).toContain('authentication = "internal_hashed"');
    expect(config).toContain('data_path = "/data/x/data"');
    expect(config).toContain('filename = "/data/x/prosody.log"');
    expect(config).toContain('certificates = "/data/x/certs"');
    expect(config).not.toContain("/etc/prosody");
  });

  it("takes registrations only with an invitation when told to (--public's default)", () => {
    expect(renderProsodyConfig({ ...base, inviteOnly: true })).toContain("registration_invite_only = true");
    expect(renderProsodyConfig({ ...base, inviteOnly: false })).toContain("registration_invite_only = false");
  });

  it("turns Nagle's algorithm off (small stanzas would wait for delayed ACKs)", () => {
    expect(config).toContain("network_settings = { nagle = false }");
  });

  it("runs Lua's generational collector (the default one costs half of Prosody's CPU on large stanzas)", () => {
    expect(config).toContain('gc = { mode = "generational" }');
  });

  it("declares the hub component with its secret", () => {
    expect(config).toContain('Component "hub.example.org"\n  component_secret = "s3cret"');
  });

  it("loads the modules the stack relies on, and TLS only when it has certificates", () => {
    for (const module of [
      '"register"',
      '"smacks"',
      '"invites_register"',
      '"invites_adhoc"',
      '"websocket"',
      '"bosh"',
    ]) {
      expect(config).toContain(module);
    }
    expect(config).not.toContain('"tls"');
    const secure = renderProsodyConfig({
      ...base,
      tls: { key: "/k", certificate: "/c" },
      requireEncryption: true,
    });
    expect(secure).toContain('"tls"');
    expect(secure).toContain("c2s_require_encryption = true");
  });

  it("escapes strings for Lua", () => {
    expect(renderProsodyConfig({ ...base, hubSecret: 'a"b\\c' })).toContain(
      'component_secret = "a\\"b\\\\c"',
    );
  });

  it("holds each client and federated session to its read rate with mod_limits", () => {
    const limited = renderProsodyConfig({ ...base, rates: { c2s: "64KB/s", s2sin: "1mb/s" } });
    expect(limited).toMatch(/modules_enabled = \{[^}]*"limits"/);
    expect(limited).toContain(
      'limits = { c2s = { rate = "64kb/s", burst = "2s" }, s2sin = { rate = "1mb/s", burst = "2s" } }',
    );
    expect(limited.match(/^limits = /gm)).toHaveLength(1);
  });

  it("never lets a type fall back to mod_limits' own defaults (c2s 10 kB/s, s2sin 30 kB/s)", () => {
    const c2sOff = renderProsodyConfig({ ...base, rates: { c2s: "off", s2sin: "1mb/s" } });
    expect(c2sOff).toContain('c2s = { rate = "1000000mb/s"');
    const allOff = renderProsodyConfig({ ...base, rates: { c2s: "off", s2sin: "off" } });
    expect(allOff).toContain("limits = {}");
    expect(allOff).not.toMatch(/modules_enabled = \{[^}]*"limits"/);
  });

  it("writes every global option once (Prosody 0.12 may refuse a file with a duplicate)", () => {
    const lines = renderProsodyConfig({ ...base, admins: ["a@example.org"], rates: DEFAULT_RATES })
      .split("\n")
      .filter((line) => /^[a-z_]+ = /.test(line))
      .map((line) => line.split(" = ")[0]);
    expect(new Set(lines).size).toBe(lines.length);
  });
});

describe("xiot server's rate keys", () => {
  it("default to the measured rates and accept Prosody's spelling or off", () => {
    const config = serverSchema.parse({});
    expect([config.c2sRate, config.s2sRate]).toEqual([DEFAULT_RATES.c2s, DEFAULT_RATES.s2sin]);
    expect(serverSchema.parse({ c2sRate: "off", s2sRate: "2 MB/s" })).toMatchObject({
      c2sRate: "off",
      s2sRate: "2 MB/s",
    });
  });

  it("refuse a rate Prosody would misread, naming the key", () => {
    for (const bad of ["256k", "fast", "0kb/s", "10 kb", "-1kb/s"]) {
      const result = serverSchema.safeParse({ c2sRate: bad });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["c2sRate"]);
    }
  });
});
