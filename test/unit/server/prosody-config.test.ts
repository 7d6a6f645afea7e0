import { describe, expect, it } from "vitest";
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

  it("turns Nagle's algorithm off (small stanzas would wait for delayed ACKs)", () => {
    expect(config).toContain("network_settings = { nagle = false }");
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
});
