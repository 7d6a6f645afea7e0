import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DeviceLine, formatDeviceTable, parseDeviceList } from "../../../cli/commands/devices";
import { agentConfig, type BundleSpec, writeBundle } from "../../../cli/provision/bundle";
import { channelsFor } from "../../../cli/provision/channels";
import { tokenOfInviteUri } from "../../../cli/provision/invite";
import { resolveSession } from "../../../cli/provision/session";
import { parseXml } from "../../helpers/stanza";

const spec = (out: string, extra: Partial<BundleSpec> = {}): BundleSpec => ({
  out,
  deviceId: "kitchen-1",
  model: "xiot-simulated",
  service: "xmpp://127.0.0.1:5222",
  domain: "localhost",
  hub: "hub.localhost",
  account: { token: "TOKEN123" },
  registrationSecret: "SECRET",
  claimKey: "KEY",
  claimUri: "xmpp:hub.localhost?message;body=claim%20kitchen-1%20KEY",
  nodes: { readings: "devices/kitchen-1/readings" },
  channels: channelsFor("xiot-simulated").channels,
  ca: undefined,
  ...extra,
});

describe("provisioning bundle", () => {
  it("writes agent.json, claim.txt and claim.png with owner-only modes, and a CA when given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-bundle-"));
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
    const out = join(dir, "kitchen-1.xiot");
    const files = await writeBundle(spec(out, { ca }));
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      "agent.json",
      "ca.crt",
      "claim.txt",
      "claim.png",
    ]);
    expect(statSync(join(out, "agent.json")).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, "ca.crt")).mode & 0o777).toBe(0o644);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    const config = JSON.parse(readFileSync(join(out, "agent.json"), "utf8"));
    expect(config.xmpp).toEqual({
      service: "xmpp://127.0.0.1:5222",
      domain: "localhost",
      username: "kitchen-1",
      registration: { token: "TOKEN123" },
      ca: "ca.crt",
    });
    expect(config.hub).toEqual({ jid: "hub.localhost", registrationSecret: "SECRET" });
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]); // no temporary folder left
    await expect(writeBundle(spec(out))).rejects.toThrow("already exists");
  });

  it("puts a password instead of a token in --password mode", () => {
    const config = agentConfig(spec("x", { account: { password: "pw" } })) as {
      xmpp: Record<string, unknown>;
    };
    expect(config.xmpp.password).toBe("pw");
    expect(config.xmpp.registration).toBeUndefined();
  });

  it("picks channels per model; unknown models are refused with the list of known ones", () => {
    expect(Object.keys(channelsFor("sim-thermometer").channels)).toEqual(["temperature"]);
    expect(() => channelsFor("bme280-board")).toThrow(
      /unknown model "bme280-board"; known models: .*ds18b20/,
    );
    expect(() => channelsFor("sim-temperature")).toThrow(/unknown model/);
  });

  it("builds a catalogue model's channel from --options, checked by the model's schema", () => {
    expect(channelsFor("ds18b20", { id: "28-0316a27959ff" }).channels).toEqual({
      temperature: { model: "ds18b20", options: { id: "28-0316a27959ff" } },
    });
    expect(() => channelsFor("ds18b20", { id: "nope" })).toThrow(/^--options\.id: ds18b20: 1-Wire id/);
    expect(() => channelsFor("xiot-simulated", { id: "x" })).toThrow(/simulated set/);
  });

  it("reads the preauth token of an invite URI", () => {
    expect(tokenOfInviteUri("xmpp:localhost?register;preauth=abc%2Bdef")).toBe("abc+def");
    expect(tokenOfInviteUri("xmpp:alice@localhost?roster;preauth=T1;ibr=y")).toBe("T1");
    expect(tokenOfInviteUri("xmpp:localhost?register")).toBeUndefined();
  });
});

describe("CLI session", () => {
  it("reads the admin and the server from a stack folder; flags win; a missing key is named", () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-stack-"));
    const base = {
      dir,
      xmpp: { allowPlaintext: false },
      hub: {},
      log: { level: "info", format: "pretty" },
    } as const;
    expect(() => resolveSession(base)).toThrow(/xmpp.service/);
    writeFileSync(
      join(dir, "server.json"),
      JSON.stringify({ c2s: "xmpp://127.0.0.1:5333", domain: "example.org", hub: "hub.example.org" }),
    );
    writeFileSync(
      join(dir, "accounts.json"),
      JSON.stringify({ admin: { username: "admin", password: "pw" } }),
    );
    const s = resolveSession(base);
    expect(s.client).toMatchObject({
      service: "xmpp://127.0.0.1:5333",
      domain: "example.org",
      username: "admin",
      password: "pw",
    });
    expect(s.hub).toBe("hub.example.org");
    // Another user without a password: the admin's password is not used for them.
    expect(() => resolveSession({ ...base, xmpp: { allowPlaintext: false, username: "bob" } })).toThrow(
      /xmpp.password/,
    );
  });
});

describe("xiot devices output", () => {
  it("parses the hub's list and prints a table", () => {
    const rows = parseDeviceList(
      parseXml(
        "<iq type='result'><devices xmlns='urn:xiot:provisioning:0'><device id='kitchen-1' model='sim' state='registered' role='owner' owner='alice@localhost' availability='online' since='2026-01-01T00:00:00.000Z'/></devices></iq>",
      ),
    );
    expect(rows).toEqual<DeviceLine[]>([
      {
        id: "kitchen-1",
        model: "sim",
        state: "registered",
        role: "owner",
        owner: "alice@localhost",
        availability: "online",
        since: "2026-01-01T00:00:00.000Z",
        lastReading: undefined,
      },
    ]);
    expect(formatDeviceTable(rows).split("\n")[1]).toBe(
      "kitchen-1  sim    alice@localhost  online        2026-01-01T00:00:00.000Z  never         owner",
    );
    expect(formatDeviceTable([])).toBe("No devices.\n");
  });
});
