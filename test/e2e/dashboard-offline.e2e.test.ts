import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "../helpers/agent/e2e";
import { type CliProcess, jsonLogLines } from "../helpers/cli";
import { type DashboardBrowser, logIn, openDashboard } from "./dashboard-browser";
import { startServer, type TestServer } from "./server";

describe("the dashboard shows a device going offline", () => {
  let server: TestServer;
  let hub: CliProcess;
  let dashboardUrl: string;
  let dash: DashboardBrowser | undefined;

  beforeAll(async () => {
    server = await startServer();
    hub = await server.hub(["--http.port", "0"]);
    await hub.waitForLine("stderr", (t) => t.includes("dashboard at"), 10_000);
    const line = jsonLogLines(hub.stderr).find((l) => typeof l.url === "string");
    dashboardUrl = String(line?.url);
  });
  afterAll(async () => {
    await dash?.close();
    await server?.stop();
  });

  it("an agent killed without a goodbye turns offline on the page, and online again when it returns", async () => {
    const device = await server.register(`dash-off-${process.pid}`);
    const person = await server.register();
    const agentArgs = { server, account: device, allow: [person.jid], extra: ["--batch.maxDelayMs", "500"] };
    const first = runAgent(agentArgs);
    await first.proc.ready(30_000);

    dash = await openDashboard(dashboardUrl);
    const { page } = dash;
    await logIn(page, person.jid, person.password);
    const card = `.device[data-device="${device.username}"]`;
    await page.waitForSelector(`${card}[data-availability=online]`, { timeout: 15_000 });

    first.proc.child.kill("SIGKILL");
    await first.proc.exited;
    await page.waitForSelector(`${card}[data-availability=offline]`, { timeout: 15_000 });
    expect(await page.textContent(`${card} .availability`)).toBe("offline");
    await dash.screenshot("dashboard-offline.png");

    const second = runAgent({ ...agentArgs, stateDir: first.stateDir });
    await second.proc.ready(30_000);
    await page.waitForSelector(`${card}[data-availability=online]`, { timeout: 15_000 });
    expect(dash.errors).toEqual([]);
    await second.proc.stop("SIGTERM");
  });
});
