/* The systemd watchdog as the released agent feeds it: a Unix datagram socket stands in for
 * systemd's NOTIFY_SOCKET (Node cannot bind one: a python3 listener does), the agent runs from an
 * x64 release with WATCHDOG_USEC set, and a SIGUSR2 handler preloaded with --import blocks its
 * event loop for 2 s: READY=1 first, WATCHDOG=1 every half period, silence while blocked (systemd
 * would kill it after WatchdogSec), notifications again after, STOPPING=1 on SIGTERM. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/agent/e2e";
import { cleanup, type Lines, scratchDir, spawnLines, x64Release } from "./flash-fixture";
import { startServer, type TestServer } from "./server";

const LISTENER = `
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"bound": sys.argv[1]}), flush=True)
while True:
    data = s.recv(65536)
    print(json.dumps({"t": time.time() * 1000, "m": data.decode()}), flush=True)
`;

const BLOCKER = `
process.on("SIGUSR2", () => {
  process.stderr.write("blocking the event loop\\n");
  const until = Date.now() + 2000;
  while (Date.now() < until) {}
  process.stderr.write("event loop free\\n");
});
`;

interface Note {
  t: number;
  m: string;
}

describe("the released agent feeds systemd's watchdog through systemd-notify", () => {
  let server: TestServer;
  let listener: Lines;
  const work = scratchDir("xiot-watchdog-");
  const socketPath = join(work, "notify.sock");

  beforeAll(async () => {
    server = await startServer();
    await server.hub();
    listener = spawnLines("python3", ["-c", LISTENER, socketPath]);
    await listener.waitFor("stdout", (l) => l.includes('"bound"'));
  }, 120_000);
  afterAll(async () => {
    await listener?.stop();
    await server?.stop();
    cleanup();
  });

  it("notifies READY, then WATCHDOG every half period; a blocked event loop goes silent", async () => {
    const { dir } = await x64Release();
    const account = await server.register(`watchdog-${process.pid}`);
    const config = join(work, "agent.json");
    writeFileSync(
      config,
      JSON.stringify({
        device: { id: account.username },
        xmpp: { service: server.info.c2s, domain: server.info.domain, password: account.password },
        channels: { temperature: { model: "sim-temperature", intervalMs: 500 } },
      }),
    );
    const blocker = join(work, "block.mjs");
    writeFileSync(blocker, BLOCKER);
    const agent = spawnLines(
      join(dir, "bin/xiot-agent"),
      ["--config", config, "--state.dir", join(work, "state")],
      {
        NOTIFY_SOCKET: socketPath,
        WATCHDOG_USEC: "300000",
        NODE_OPTIONS: `--import=${pathToFileURL(blocker).href}`,
      },
    );
    const notes = (): Note[] =>
      listener.stdout.filter((l) => l.includes('"m"')).map((l) => JSON.parse(l) as Note);
    const pets = () => notes().filter((n) => n.m === "WATCHDOG=1");

    await agent.waitFor("stdout", (l) => l.startsWith('{"ready":true'), 30_000);
    expect(notes()[0]?.m).toBe("READY=1\nSTATUS=running");
    await eventually(() => pets().length >= 6, 10_000, 50);
    const before = pets().length;
    agent.child.kill("SIGUSR2");
    await agent.waitFor("stderr", (l) => l.includes("event loop free"), 10_000);
    const freedAt = Date.now();
    await eventually(() => pets().filter((n) => n.t > freedAt).length >= 3, 10_000, 50);

    const times = pets().map((n) => n.t);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    const blockedGap = Math.max(...gaps);
    const usual = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] as number;
    // Half of 300 ms: about 150 ms apart while the loop turns, ~2 s of silence while it is blocked.
    expect(usual).toBeGreaterThan(100);
    expect(usual).toBeLessThan(400);
    expect(blockedGap).toBeGreaterThan(1800);
    expect(gaps.indexOf(blockedGap)).toBeGreaterThanOrEqual(before - 2);

    expect(await agent.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    await eventually(() => notes().some((n) => n.m === "STOPPING=1"), 5_000, 50);
  });
});
