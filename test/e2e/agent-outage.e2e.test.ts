import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appended, eventually, runAgent } from "../helpers/agent/e2e";
import { expectExactlyOnce, untilStored } from "../helpers/agent/verify";
import { jsonLogLines } from "../helpers/cli";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";
import { startServer, type TestServer } from "./server";

const FAST = [
  "--batch.maxDelayMs",
  "200",
  "--batch.maxReadings",
  "10",
  "--channels.temperature.intervalMs",
  "50",
  "--channels.humidity.intervalMs",
  "70",
  "--xmpp.reconnect.initialMs",
  "200",
  "--xmpp.reconnect.maxMs",
  "1000",
  "--xmpp.requestTimeoutMs",
  "3000",
  "--xmpp.pingIntervalMs",
  "1000",
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("xiot agent through a failing network", () => {
  let server: TestServer;
  let proxy: TcpProxy;

  beforeAll(async () => {
    server = await startServer(["--smacks-hibernation", "5"]);
    await server.hub();
    proxy = await startTcpProxy({ host: "127.0.0.1", port: server.ports.c2s });
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it("stall then cut, a silent stall, reset, and an outage longer than hibernation: every reading stored exactly once", async () => {
    const device = await server.register(`agent-cut-${process.pid}`);
    const watcher = await server.register();
    const run = runAgent({ server, account: device, service: proxy.url, allow: [watcher.jid], extra: FAST });
    await run.proc.ready(30_000);
    const onlines = () =>
      jsonLogLines(run.proc.stderr).filter((l) => String(l.msg).endsWith(": online")).length;
    const reconnected = async (before: number) => eventually(() => onlines() > before, 30_000);
    const moreDocs = async (n: number) => {
      const start = appended(run.stateDir).length;
      await eventually(() => appended(run.stateDir).length >= start + n, 20_000);
    };

    await moreDocs(5);
    let before = onlines();
    proxy.stall(); // bytes stop; publishes go unanswered while readings keep coming
    await moreDocs(5);
    proxy.cut("end");
    await reconnected(before);

    await moreDocs(5);
    before = onlines();
    proxy.stall(); // and no cut: only the agent's own pings can find out
    await reconnected(before);

    await moreDocs(5);
    before = onlines();
    proxy.cut("reset");
    await reconnected(before);

    await moreDocs(5);
    before = onlines();
    proxy.outage();
    await sleep(8000); // longer than the server's 5 s stream-management hibernation
    proxy.restore();
    await reconnected(before);
    await moreDocs(5);

    const subscriber = await server.client(watcher);
    await untilStored(subscriber, device.username, run.stateDir);
    expect(await run.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const totals = await expectExactlyOnce(subscriber, device.username, run.stateDir);
    expect(totals.documents).toBeGreaterThanOrEqual(25);
  }, 180_000);
});
