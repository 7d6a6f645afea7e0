/* First boot from the boot partition: `xiot flash --boot-only` puts xiot-agent.json on a FAT-like
 * boot folder; a root flashed before (release, units, user) gets that folder as /boot/firmware;
 * the release's xiot-firstboot script (what xiot-firstboot.service runs) moves the file to
 * /etc/xiot/agent.json, mode 0600, owned by the xiot user, and removes it from the boot partition. */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { runXiot } from "../helpers/cli";
import { cleanup, makeBoot, makePiRoot, scratchDir, x64Release } from "./flash-fixture";

const run = promisify(execFile);

describe("first boot takes the configuration from the boot partition", () => {
  afterAll(cleanup);

  it("moves xiot-agent.json into /etc/xiot (0600, xiot) and deletes the boot copy", async () => {
    const work = scratchDir("xiot-firstboot-");
    const rootfs = makePiRoot(join(work, "rootfs"));
    const boot = makeBoot(join(work, "bootfs"));
    const first = join(work, "first.xiot");
    const second = join(work, "second.xiot");
    const config = (id: string) => ({
      device: { id },
      xmpp: { service: "xmpp://127.0.0.1:5222", domain: "localhost", password: "secret" },
      channels: { temperature: { model: "sim-temperature" } },
    });
    for (const [dir, id] of [
      [first, "first"],
      [second, "second"],
    ] as const) {
      mkdirSync(dir);
      writeFileSync(join(dir, "agent.json"), JSON.stringify(config(id)));
    }
    const { dir: release } = await x64Release();
    const flashed = runXiot(["flash", first, "--force", "--to", rootfs, "--release", release]);
    expect((await flashed.exited).code).toBe(0);

    const bootOnly = runXiot(["flash", second, "--force", "--boot-only", "--boot", boot]);
    expect((await bootOnly.exited).code).toBe(0);
    expect(JSON.parse(readFileSync(join(boot, "xiot-agent.json"), "utf8")).device.id).toBe("second");

    // On the board the boot partition is mounted at /boot/firmware.
    cpSync(boot, join(rootfs, "boot/firmware"), { recursive: true });
    const script = join(rootfs, "opt/xiot/current/libexec/xiot-firstboot");
    const { stdout } = await run(script, [], { env: { ...process.env, XIOT_ROOT: rootfs } });
    expect(stdout).toContain("moved to");

    const installed = join(rootfs, "etc/xiot/agent.json");
    expect(JSON.parse(readFileSync(installed, "utf8")).device.id).toBe("second");
    expect(statSync(installed).mode & 0o777).toBe(0o600);
    const xiot = readFileSync(join(rootfs, "etc/passwd"), "utf8")
      .split("\n")
      .find((l) => l.startsWith("xiot:"))
      ?.split(":");
    if (process.getuid?.() === 0) expect(statSync(installed).uid).toBe(Number(xiot?.[2]));
    expect(existsSync(join(rootfs, "boot/firmware/xiot-agent.json"))).toBe(false);

    // The unit only runs when there is something to move.
    const unit = readFileSync(join(rootfs, "etc/systemd/system/xiot-firstboot.service"), "utf8");
    expect(unit).toContain("ConditionPathExists=|/boot/firmware/xiot-agent.json");
    expect(unit).toContain("Before=xiot-agent.service");
  });

  it("refuses --boot-only onto a folder that is not a boot partition, writing nothing", async () => {
    const work = scratchDir("xiot-firstboot-");
    const bundle = join(work, "dev.xiot");
    mkdirSync(bundle);
    writeFileSync(
      join(bundle, "agent.json"),
      JSON.stringify({
        device: { id: "dev" },
        xmpp: { service: "xmpp://127.0.0.1:5222", domain: "localhost", password: "s" },
        channels: { t: { model: "sim-temperature" } },
      }),
    );
    const empty = join(work, "empty");
    mkdirSync(empty);
    const run = runXiot(["flash", bundle, "--force", "--boot-only", "--boot", empty]);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr.map((l) => l.text).join("\n")).toContain("no config.txt or cmdline.txt");
    expect(existsSync(join(empty, "xiot-agent.json"))).toBe(false);
  });
});
