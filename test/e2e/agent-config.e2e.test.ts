import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE } from "../helpers/agent/e2e";
import { runXiot } from "../helpers/cli";

const base = ["agent", "--config", EXAMPLE, "--xmpp.password", "x", "--state.dir"];

async function failure(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "xiot-agent-cfg-"));
  const proc = runXiot([...base, dir, ...args]);
  const { code } = await proc.exited;
  return { code, stderr: proc.stderr.map((l) => l.text).join("\n") };
}

describe("xiot agent configuration errors name the key", () => {
  it("an unknown model", async () => {
    const r = await failure(["--channels.temperature.model", "no-such-sensor"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'configuration key "channels.temperature.model": unknown device model "no-such-sensor"',
    );
  });

  it("a missing option", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-agent-cfg-"));
    const file = join(dir, "agent.json");
    writeFileSync(file, JSON.stringify({ channels: { light: { model: "gpio-relay", options: {} } } }));
    const proc = runXiot([
      "agent",
      "--config",
      file,
      "--device.id",
      "d1",
      "--xmpp.service",
      "xmpp://127.0.0.1:1",
      "--xmpp.domain",
      "localhost",
      "--xmpp.password",
      "x",
      "--state.dir",
      dir,
    ]);
    const { code } = await proc.exited;
    expect(code).toBe(2);
    expect(proc.stderr.map((l) => l.text).join("\n")).toContain(
      'configuration key "channels.light.options.pin"',
    );
  });

  it("an impossible interval", async () => {
    const r = await failure(["--channels.humidity.intervalMs", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--channels.humidity.intervalMs: ");
  });

  it("a bad device id", async () => {
    const r = await failure(["--device.id", "Not_Valid"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--device.id: ");
  });

  it("a private CA file that holds no certificate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-agent-cfg-"));
    writeFileSync(join(dir, "ca.pem"), "not a certificate");
    const r = await failure(["--xmpp.ca", join(dir, "ca.pem")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('configuration key "xmpp.ca"');
  });
});
