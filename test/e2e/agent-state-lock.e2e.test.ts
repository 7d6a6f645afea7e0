/* One agent per state folder, with real processes: a second `xiot agent` on a folder in use exits
 * at once naming the holder, and the first keeps publishing; once the holder is SIGKILLed, the
 * kernel has released its lock and a new agent starts on the same folder. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STATE_LOCKED_EXIT_CODE } from "../../cli/commands/agent";
import { appended, eventually, runAgent } from "../helpers/agent/e2e";
import { untilStored } from "../helpers/agent/verify";
import { startServer, type TestServer } from "./server";

const FAST = [
  "--batch.maxDelayMs",
  "150",
  "--batch.maxReadings",
  "5",
  "--channels.temperature.intervalMs",
  "40",
];

describe("xiot agent: one agent per state folder", () => {
  let server: TestServer;
  const runs: ReturnType<typeof runAgent>[] = [];
  const start = (...args: Parameters<typeof runAgent>) => {
    const run = runAgent(...args);
    runs.push(run);
    return run;
  };

  beforeAll(async () => {
    server = await startServer();
    await server.hub();
  });
  afterAll(async () => {
    for (const run of runs) await run.proc.stop("SIGKILL"); // what a failed assertion left running
    await server?.stop();
  });

  it("refuses a second agent on a folder in use and takes over after the holder was killed", async () => {
    const device = await server.register(`agent-lock-${process.pid}`);
    const watcher = await server.register();
    const first = start({ server, account: device, allow: [watcher.jid], extra: FAST });
    const { stateDir } = first;
    await first.proc.ready(30_000);
    const pid = first.proc.child.pid as number;

    const second = start({ server, account: device, stateDir, allow: [watcher.jid], extra: FAST });
    expect(await second.proc.exited).toEqual({ code: STATE_LOCKED_EXIT_CODE, signal: null });
    const said = second.proc.stderr.map((l) => l.text).join("\n");
    expect(said).toContain(`state folder ${stateDir} is in use by pid ${pid} (user `);
    expect(said).not.toContain('"msg":"boot"'); // it touched neither the boot counter nor the outbox

    // The first goes on: it is alive and the hub keeps storing what it appends.
    const before = appended(stateDir).length;
    await eventually(() => appended(stateDir).length >= before + 3, 30_000, 100);
    expect(first.proc.child.exitCode).toBeNull();
    const subscriber = await server.client(watcher);
    await untilStored(subscriber, device.username, stateDir);

    expect((await first.proc.stop("SIGKILL")).signal).toBe("SIGKILL");
    const third = start({ server, account: device, stateDir, allow: [watcher.jid], extra: FAST });
    await third.proc.ready(30_000);
    expect(await third.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    console.log(
      `state lock: holder pid ${pid}, second exited ${STATE_LOCKED_EXIT_CODE}, took over after SIGKILL`,
    );
  }, 120_000);
});
