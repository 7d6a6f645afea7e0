/* One `xiot up` per folder (cli/up/folder-lock.ts): a second start on a folder in use is refused
 * and leaves the running stack alone; after the first is killed with SIGKILL a new one takes the
 * folder over on the same ports; and when Prosody dies, `xiot up` says so and exits non-zero. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml from "@xmpp/xml";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/log";
import { createClient } from "../../shared/xmpp/client";
import { type CliProcess, runXiot } from "../helpers/cli";
import { startStack, type UpReady } from "./stack";

const FREE = ["--c2s-port", "0", "--component-port", "0", "--http-port", "0", "--dashboard-port", "0"];
const text = (proc: CliProcess) => proc.stderr.map((l) => l.text).join("\n");

/** What a second start must not touch: the server's files, Prosody's pid, the boot counter. */
function snapshot(dir: string): Record<string, string | null> {
  const files = [
    "server/server.json",
    "server/prosody.cfg.lua",
    "server/prosody.pid",
    "accounts.json",
    "agent-sim-1/boot-counter.0",
    "agent-sim-1/boot-counter.1",
  ];
  return Object.fromEntries(
    files.map((f) => [f, existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : null]),
  );
}

async function deviceRow(dir: string) {
  const devices = runXiot(["devices", "--dir", dir, "--json"]);
  const listed = await devices.ready<{ devices: { id: string; availability?: string; since?: number }[] }>();
  return listed.devices.find((d) => d.id === "sim-1");
}

async function pingAsDemo(ready: UpReady): Promise<string | undefined> {
  const connection = createClient({
    config: {
      service: ready.c2s,
      domain: ready.domain,
      username: ready.user.split("@")[0]!,
      password: ready.password,
    },
    log: silentLogger(),
  });
  await connection.start();
  try {
    const pong = await connection.request(
      xml("iq", { type: "get", to: ready.hub }, xml("ping", { xmlns: "urn:xmpp:ping" })),
    );
    return pong.attrs.type as string;
  } finally {
    await connection.stop();
  }
}

const prosodyPid = (dir: string) => Number(readFileSync(join(dir, "server", "prosody.pid"), "utf8").trim());
/** Gone, or a zombie (its sockets are closed already). */
function processGone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return true; // no such process
  }
}

describe("xiot up on a folder in use", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-up-twice-"));
  const running: CliProcess[] = [];
  afterAll(async () => {
    for (const proc of running) await proc.stop("SIGTERM");
    // A test that failed between killing xiot up and the take-over may leave its Prosody behind.
    const pid = existsSync(join(dir, "server", "prosody.pid")) ? prosodyPid(dir) : 0;
    if (pid > 0 && !processGone(pid) && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir))
      process.kill(pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  let first: { proc: CliProcess; ready: UpReady };

  it("refuses a second start, naming the first and how to reach it, and changes nothing", async () => {
    first = await startStack(dir);
    running.push(first.proc);
    const before = snapshot(dir);
    const rowBefore = await deviceRow(dir);
    expect(rowBefore?.availability).toBe("online");

    const startedAt = Date.now();
    const second = runXiot(["up", "--dir", dir, ...FREE]);
    running.push(second);
    const exit = await second.exited;
    expect(exit, text(second)).toEqual({ code: 73, signal: null });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    const pid = first.proc.child.pid;
    expect(text(second)).toContain(`xiot up: ${dir} is in use by xiot up (pid ${pid}, started `);
    expect(text(second)).toContain(
      `: dashboard ${first.ready.dashboard}, chat to sim-1@localhost/agent; stop it with Ctrl-C in its terminal or kill ${pid}`,
    );
    expect(text(second)).not.toContain("stopping a Prosody");

    // The first stack is untouched: same files byte for byte, same Prosody, device still online
    // since the same moment, and it still answers.
    expect(snapshot(dir)).toEqual(before);
    expect(first.proc.child.exitCode).toBeNull();
    expect(processGone(prosodyPid(dir))).toBe(false);
    expect(await pingAsDemo(first.ready)).toBe("result");
    expect(await deviceRow(dir)).toMatchObject({ availability: "online", since: rowBefore?.since });
  });

  it("refuses `xiot server` on the stack's server folder too, naming xiot up", async () => {
    const server = runXiot(["server", "--dir", join(dir, "server"), "--c2s-port", "0"]);
    running.push(server);
    expect((await server.exited).code, text(server)).toBe(73);
    expect(text(server)).toContain(`is in use by xiot up (pid ${first.proc.child.pid}, started `);
    expect(await pingAsDemo(first.ready)).toBe("result");
  });

  let later: { proc: CliProcess; ready: UpReady };

  it("takes over after xiot up alone was killed with SIGKILL, stopping its orphaned Prosody", async () => {
    const upPid = first.proc.child.pid!;
    const orphan = prosodyPid(dir);
    process.kill(upPid, "SIGKILL");
    await first.proc.exited;
    expect(processGone(orphan)).toBe(false);
    later = await startStack(dir);
    running.push(later.proc);
    const out = text(later.proc);
    expect(out).toContain(`taking over the lock of pid ${upPid}, which is gone`);
    expect(out).toContain("stopping a Prosody left running by an earlier xiot server in this folder");
    expect(processGone(orphan)).toBe(true);
    for (const key of ["c2s", "component", "websocket", "dashboard"] as const)
      expect(later.ready[key], key).toBe(first.ready[key]);
    expect(await pingAsDemo(later.ready)).toBe("result");
  });

  it("takes over after the whole stack was killed with SIGKILL, on the same ports", async () => {
    const before = later;
    const upPid = before.proc.child.pid!;
    process.kill(upPid, "SIGKILL");
    process.kill(prosodyPid(dir), "SIGKILL");
    await before.proc.exited;
    later = await startStack(dir);
    running.push(later.proc);
    expect(text(later.proc)).toContain(`taking over the lock of pid ${upPid}, which is gone`);
    for (const key of ["c2s", "component", "websocket", "dashboard"] as const)
      expect(later.ready[key], key).toBe(first.ready[key]);
    expect(later.ready.password).toBe(first.ready.password);
    expect(await pingAsDemo(later.ready)).toBe("result");
  });

  it("says which child died and how, and exits non-zero, when Prosody dies", async () => {
    const prosody = prosodyPid(dir);
    process.kill(prosody, "SIGKILL");
    const exit = await later.proc.exited;
    expect(exit, text(later.proc)).toEqual({ code: 1, signal: null });
    expect(text(later.proc)).toContain(
      `xiot up: Prosody (pid ${prosody}) was killed by SIGKILL; its log is `,
    );
    // The folder is free again: its lock went with the process.
    expect(existsSync(join(dir, "xiot.lock"))).toBe(false);
  });
});
