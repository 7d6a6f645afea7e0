/* The dashboard on a phone's screen (390 × 844 CSS pixels, as an iPhone 12–15): the login form,
 * the range picker (with its custom from/to), the device card, its charts and its switch fit the width, so nothing is clipped and nothing
 * needs a sideways scroll, and the switch is a finger-sized target.
 * References: WCAG 2.2 SC 1.4.10 (reflow at 320 CSS px wide), SC 2.5.5 (44 px targets). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliProcess } from "../helpers/cli";
import { type DashboardBrowser, logIn, openDashboard } from "./dashboard-browser";
import { startStack, type UpReady } from "./stack";

const PHONE = { width: 390, height: 844 };

interface Box {
  selector: string;
  left: number;
  right: number;
  height: number;
}

/** Every element matching one of the selectors, with where it sits. */
function boxes(page: Page, selectors: string[]): Promise<Box[]> {
  return page.evaluate(
    (list) =>
      list.flatMap((selector) =>
        [...document.querySelectorAll(selector)].map((e) => {
          const r = e.getBoundingClientRect();
          return { selector, left: r.left, right: r.right, height: r.height };
        }),
      ),
    selectors,
  );
}

/** What sticks out of the screen's width: the page's own scroll width and any element past it. */
async function overflow(page: Page, selectors: string[]): Promise<string[]> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const out = width > PHONE.width ? [`the page is ${width} px wide`] : [];
  for (const b of await boxes(page, selectors))
    if (b.left < 0 || b.right > PHONE.width + 0.5)
      out.push(`${b.selector} spans ${Math.round(b.left)}…${Math.round(b.right)} px`);
  return out;
}

describe("the dashboard on a 390 px phone screen", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-dash-phone-"));
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

  it("fits the login form, the range picker, the card, its charts and its switch in the width", async () => {
    dash = await openDashboard(ready.dashboard, PHONE);
    const { page } = dash;
    expect(await overflow(page, ["form", "input", "button"])).toEqual([]);
    await logIn(page, ready.user, ready.password);
    const card = `.device[data-device="${ready.device}"]`;
    await page.waitForSelector(`${card}[data-loaded=true]`, { timeout: 15_000 });
    // A chart is drawn once readings are there: its canvas must fit too.
    await page.waitForSelector(`${card} .channel[data-channel=temperature] canvas`, { timeout: 15_000 });
    await dash.screenshot("dashboard-phone.png");
    const parts = [".top", ".range button", card, `${card} header`, `${card} .channel`, `${card} canvas`];
    expect(await overflow(page, [...parts, `${card} .actuator`, `${card} .switch`])).toEqual([]);
    await page.click(".range button[data-range=custom]");
    await page.waitForSelector(".range-custom input[name=to]", { state: "visible" });
    expect(
      await overflow(page, [".range", ".range-custom label", ".range-custom input", ".range button"]),
    ).toEqual([]);
    const [relay] = await boxes(page, [`${card} .actuator[data-actuator=relay] .switch`]);
    expect(relay?.height).toBeGreaterThanOrEqual(44);
    expect(dash.errors).toEqual([]);
  });
});
