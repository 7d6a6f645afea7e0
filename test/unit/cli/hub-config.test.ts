/* The hub's HTTP listener: HTTPS with a --public server's certificate, and plain HTTP only on
 * loopback (cli/commands/hub.ts resolveHubConfig). */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveHubConfig } from "../../../cli/commands/hub";
import { hubSchema } from "../../../hub/config";

const XMPP = { service: "xmpp://127.0.0.1:5347", domain: "hub.localhost", password: "s" };

/** A server folder as `xiot server` leaves it, with or without --public. */
function serverDir(websocket: string) {
  const dir = mkdtempSync(join(tmpdir(), "xiot-hubcfg-"));
  mkdirSync(join(dir, "certs"));
  for (const f of ["localhost.crt", "localhost.key"]) writeFileSync(join(dir, "certs", f), "PEM");
  const info = {
    ready: true,
    domain: "localhost",
    c2s: "xmpp://localhost:5222",
    websocket,
    hub: "hub.localhost",
  };
  writeFileSync(
    join(dir, "server.json"),
    JSON.stringify({ ...info, component: XMPP.service, hubSecret: "s", ca: join(dir, "certs", "ca.crt") }),
  );
  return dir;
}

describe("the hub's HTTP listener configuration", () => {
  it("refuses plain HTTP off loopback, naming http.host", () => {
    const input = hubSchema.parse({ xmpp: XMPP, http: { host: "0.0.0.0" } });
    expect(() => resolveHubConfig(input)).toThrow(
      /http\.host.*0\.0\.0\.0 is not loopback: plain HTTP stays on this machine/,
    );
    expect(resolveHubConfig(hubSchema.parse({ xmpp: XMPP })).http.tls).toBeUndefined();
  });

  it("serves HTTPS with given files anywhere, and with a --public server's certificate", () => {
    const files = serverDir("ws://127.0.0.1:5280/xmpp-websocket");
    const tls = {
      certificate: join(files, "certs", "localhost.crt"),
      key: join(files, "certs", "localhost.key"),
    };
    expect(() =>
      resolveHubConfig(hubSchema.parse({ xmpp: XMPP, http: { tls: { ...tls, key: "/nowhere.pem" } } })),
    ).toThrow(/http\.tls\.key.*\/nowhere\.pem does not exist/);
    expect(
      resolveHubConfig(hubSchema.parse({ xmpp: XMPP, http: { host: "0.0.0.0", tls } })).http.tls,
    ).toEqual(tls);
    const dir = serverDir("wss://localhost:5281/xmpp-websocket");
    const config = resolveHubConfig(hubSchema.parse({ serverDir: dir, http: { host: "0.0.0.0" } }));
    expect(config.http.tls).toEqual({
      certificate: join(dir, "certs", "localhost.crt"),
      key: join(dir, "certs", "localhost.key"),
    });
    expect(config.http.websocket).toBe("wss://localhost:5281/xmpp-websocket");
  });

  it("keeps plain HTTP for a loopback server, even one with certificates", () => {
    const dir = serverDir("ws://127.0.0.1:5280/xmpp-websocket");
    expect(resolveHubConfig(hubSchema.parse({ serverDir: dir })).http.tls).toBeUndefined();
    expect(() => resolveHubConfig(hubSchema.parse({ serverDir: dir, http: { host: "0.0.0.0" } }))).toThrow(
      /http\.host/,
    );
  });
});
