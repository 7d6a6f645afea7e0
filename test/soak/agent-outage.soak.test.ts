import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../e2e/server";
import { appended, eventually, runAgent } from "../helpers/agent/e2e";
import { expectExactlyOnce, untilStored } from "../helpers/agent/verify";
import { jsonLogLines } from "../helpers/cli";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

const OUTAGE_MS = Number(process.env.XIOT_OUTAGE_MS ?? 60_000);

describe("xiot agent soak: a long outage", () => {
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

  it(`keeps producing through a ${OUTAGE_MS / 1000} s outage and delivers every reading once after it`, async () => {
    const device = await server.register(`agent-soak-${process.pid}`);
    const watcher = await server.register();
    const run = runAgent({
      server,
      account: device,
      service: proxy.url,
      allow: [watcher.jid],
      extra: [
        "--batch.maxDelayMs",
        "500",
        "--channels.temperature.intervalMs",
        "100",
        "--xmpp.reconnect.maxMs",
        "5000",
      ],
    });
    await run.proc.ready(30_000);
    const onlines = () =>
      jsonLogLines(run.proc.stderr).filter((l) => String(l.msg).endsWith(": online")).length;
    await eventually(() => appended(run.stateDir).length >= 5, 20_000);
    const before = onlines();
    const docsBefore = appended(run.stateDir).length;
    proxy.outage();
    await new Promise((r) => setTimeout(r, OUTAGE_MS)); // the outage itself is the thing under test
    expect(appended(run.stateDir).length).toBeGreaterThan(docsBefore + OUTAGE_MS / 1000); // kept producing
    proxy.restore();
    await eventually(() => onlines() > before, 30_000);
    const subscriber = await server.client(watcher);
    await untilStored(subscriber, device.username, run.stateDir, 120_000);
    expect(await run.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    await expectExactlyOnce(subscriber, device.username, run.stateDir);
  }, 300_000);
});
