import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleDir, DeviceConfigError, loadDeviceConfig } from "../../../../cli/flash/device-config";

const valid = {
  device: { id: "greenhouse-1" },
  xmpp: { service: "xmpp://example.org:5222", domain: "example.org", password: "p" },
  channels: { temperature: { model: "sim-temperature" } },
};

function bundle(agent: unknown, extra: Record<string, string> = {}): string {
  const cwd = mkdtempSync(join(tmpdir(), "xiot-devcfg-unit-"));
  const dir = join(cwd, "greenhouse-1.xiot");
  mkdirSync(dir);
  writeFileSync(join(dir, "agent.json"), typeof agent === "string" ? agent : JSON.stringify(agent));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return cwd;
}

describe("loadDeviceConfig", () => {
  it("finds ./<deviceId>.xiot/ from a device id", () => {
    const cwd = bundle(valid);
    expect(bundleDir("greenhouse-1", cwd)).toBe(join(cwd, "greenhouse-1.xiot"));
    expect(loadDeviceConfig("greenhouse-1", cwd).deviceId).toBe("greenhouse-1");
  });

  it("installs a bundle's CA as /etc/xiot/ca.crt and points the config there", () => {
    const cwd = bundle({ ...valid, xmpp: { ...valid.xmpp, ca: "ca.crt" } }, { "ca.crt": "PEM DATA" });
    const config = loadDeviceConfig("greenhouse-1", cwd);
    expect(config.ca?.toString()).toBe("PEM DATA");
    expect(JSON.parse(config.json).xmpp.ca).toBe("/etc/xiot/ca.crt");
  });

  it("refuses what the agent would refuse, naming the key", () => {
    const cwd = bundle({ ...valid, device: { id: "Not An Id" } });
    expect(() => loadDeviceConfig("greenhouse-1", cwd)).toThrow(/device\.id: expected a device id/);
  });

  it("says what to give when there is no bundle, and when agent.json is not JSON", () => {
    const cwd = mkdtempSync(join(tmpdir(), "xiot-devcfg-unit-"));
    expect(() => loadDeviceConfig("nobody", cwd)).toThrow(DeviceConfigError);
    expect(() => loadDeviceConfig("nobody", cwd)).toThrow(/nobody\.xiot\/agent\.json/);
    expect(() => loadDeviceConfig("greenhouse-1", bundle("{nope"))).toThrow(/is not JSON/);
  });

  it("refuses a CA the config names but the bundle lacks", () => {
    const cwd = bundle({ ...valid, xmpp: { ...valid.xmpp, ca: "ca.crt" } });
    expect(() => loadDeviceConfig("greenhouse-1", cwd)).toThrow(/xmpp\.ca: .*ca\.crt does not exist/);
  });
});
