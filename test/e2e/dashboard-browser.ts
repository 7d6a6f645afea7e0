/* Chromium driven by playwright-core for the dashboard's e2e tests: a fresh profile per launch
 * (playwright makes one), screenshots kept in test/artifacts/. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { ROOT } from "../helpers/cli";

export const ARTIFACTS = join(ROOT, "test", "artifacts");

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface DashboardBrowser {
  browser: Browser;
  page: Page;
  /** Page errors and console errors seen so far. */
  errors: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A desktop window unless a viewport is given (a phone: 390 × 844). */
export async function openDashboard(
  url: string,
  viewport = { width: 1200, height: 760 },
  extraArgs: string[] = [],
): Promise<DashboardBrowser> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [...ARGS, ...extraArgs],
  });
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(url);
  return {
    browser,
    page,
    errors,
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, name);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => browser.close(),
  };
}

/** Fills the login form and waits until the page says it is connected. */
export async function logIn(page: Page, user: string, password: string): Promise<void> {
  await page.fill("input[name=user]", user);
  await page.fill("input[name=password]", password);
  await page.click("#login-button");
  await page.waitForSelector("body[data-connection=online]", { timeout: 15_000 });
}

/** How many points a channel's chart holds. */
export async function points(page: Page, device: string, channel: string): Promise<number> {
  const value = await page.getAttribute(
    `.device[data-device="${device}"] .channel[data-channel="${channel}"]`,
    "data-points",
  );
  return Number(value ?? 0);
}
