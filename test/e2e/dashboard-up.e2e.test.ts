import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliProcess } from "../helpers/cli";
import { type DashboardBrowser, logIn, openDashboard, points } from "./dashboard-browser";
import { startStack, type UpReady } from "./stack";

describe("the dashboard against xiot up", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-dash-up-"));
  let up: CliProcess;
  let ready: UpReady;
  let dash: DashboardBrowser | undefined;

  beforeAll(async () => {
    ({ proc: up, ready } = await startStack(dir));
  });
  afterAll(async () => {
    await dash?.close();
    await up?.stop("SIGINT");
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs in as the demo user, shows the device online with live charts, and switches the relay", async () => {
    dash = await openDashboard(ready.dashboard);
    const { page } = dash;
    await logIn(page, ready.user, ready.password);
    await page.waitForSelector("#login", { state: "hidden" });
    expect(await page.textContent("#who")).toBe(ready.user);
    const card = `.device[data-device="${ready.device}"]`;
    await page.waitForSelector(`${card}[data-availability=online]`, { timeout: 15_000 });
    // Units from meta on the card; history loaded, then new points arrive live.
    expect(await page.textContent(`${card} .channel[data-channel=temperature] .unit`)).toBe("°C");
    await page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.getAttribute("data-points") ?? 0) > 0,
      `${card} .channel[data-channel=temperature]`,
      { timeout: 15_000 },
    );
    const before = await points(page, ready.device, "temperature");
    await page.waitForFunction(
      ([sel, n]) =>
        Number(document.querySelector(sel as string)?.getAttribute("data-points") ?? 0) > (n as number),
      [`${card} .channel[data-channel=temperature]`, before],
      { timeout: 20_000 },
    );
    expect(await page.locator(`${card} .channel[data-channel=temperature] canvas`).count()).toBe(1);
    expect(await page.textContent(`${card} .channel[data-channel=temperature] .value`)).toMatch(
      /^-?\d+(\.\d+)?$/,
    );

    const relay = `${card} .actuator[data-actuator=relay]`;
    expect(await page.getAttribute(relay, "data-state")).toBe("false");
    await page.click(`${relay} button`);
    await page.waitForSelector(`${relay} .outcome[data-kind=done]`, { timeout: 15_000 });
    expect(await page.textContent(`${relay} .outcome`)).toBe("Done: sim-1 relay is on.");
    expect(await page.getAttribute(`${relay} button`, "aria-checked")).toBe("true");
    // The agent's new state item comes back through the state node and agrees.
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.getAttribute("data-state") === "true",
      relay,
    );
    await dash.screenshot("dashboard-up.png");
    expect(dash.errors).toEqual([]);
  });
});
