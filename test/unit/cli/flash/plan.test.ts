import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReleaseManifest } from "../../../../cli/flash/build";
import { describeOperation, planBootOnly, planFlash } from "../../../../cli/flash/plan";

function fakeRelease(): string {
  const dir = mkdtempSync(join(tmpdir(), "xiot-plan-unit-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin/xiot-agent"), "#!/bin/sh\n", { mode: 0o755 });
  writeFileSync(join(dir, "README.md"), "# r\n", { mode: 0o600 });
  return dir;
}

const manifest = { version: "9.8.7", arch: "arm64" } as ReleaseManifest;
const config = { deviceId: "dev", source: "/x", json: '{"device":{"id":"dev"}}\n' };

describe("planFlash", () => {
  const plan = planFlash({
    release: fakeRelease(),
    manifest,
    config: { ...config, ca: Buffer.from("PEM") },
    systemd: 257,
    staleBootFiles: ["/xiot-agent.json"],
  });
  const find = (path: string) => plan.root.find((op) => op.path === path);

  it("installs the release under its version, executables 0755, the rest 0644, and links current", () => {
    expect(find("/opt/xiot/releases/9.8.7/bin/xiot-agent")).toMatchObject({
      kind: "file",
      mode: 0o755,
      owner: "root",
    });
    expect(find("/opt/xiot/releases/9.8.7/README.md")).toMatchObject({ kind: "file", mode: 0o644 });
    expect(find("/opt/xiot/current")).toEqual({
      kind: "symlink",
      path: "/opt/xiot/current",
      target: "releases/9.8.7",
    });
  });

  it("gives the config to the service user (0600) in a folder only its group may enter", () => {
    expect(find("/etc/xiot")).toMatchObject({ kind: "dir", mode: 0o750, owner: "root:service" });
    expect(find("/etc/xiot/agent.json")).toMatchObject({ kind: "file", mode: 0o600, owner: "service" });
    expect(find("/etc/xiot/ca.crt")).toMatchObject({ kind: "file", mode: 0o644, owner: "root" });
  });

  it("enables both units and renders them for the root's systemd", () => {
    expect(find("/etc/systemd/system/multi-user.target.wants/xiot-agent.service")).toMatchObject({
      kind: "symlink",
      target: "/etc/systemd/system/xiot-agent.service",
    });
    expect(find("/etc/systemd/system/multi-user.target.wants/xiot-firstboot.service")).toBeDefined();
    const unit = find("/etc/systemd/system/xiot-agent.service");
    expect(unit?.kind === "file" && Buffer.isBuffer(unit.data) && unit.data.toString()).toContain(
      "RestartSteps=6",
    );
  });

  it("removes a stale boot-partition config, and describes each operation in one line", () => {
    expect(plan.boot).toEqual([expect.objectContaining({ kind: "remove", path: "/xiot-agent.json" })]);
    const line = describeOperation(find("/etc/xiot/agent.json") as never, "xiot");
    expect(line).toBe(`file    0600 xiot:xiot /etc/xiot/agent.json (${config.json.length} bytes)`);
    expect(describeOperation(find("/etc/xiot") as never, "xiot")).toBe("dir     0750 root:xiot /etc/xiot/");
  });
});

describe("planBootOnly", () => {
  it("puts the config and the CA on the boot partition under the names first boot looks for", () => {
    const ops = planBootOnly({ ...config, ca: Buffer.from("PEM") });
    expect(ops.map((o) => o.path)).toEqual(["/xiot-agent.json", "/xiot-ca.crt"]);
    expect(planBootOnly(config).map((o) => o.path)).toEqual(["/xiot-agent.json"]);
  });
});
