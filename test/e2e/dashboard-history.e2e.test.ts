/* The dashboard's charts come from the hub's telemetry history against a real `xiot up`: the first
 * paint is the answer to a urn:xiot:history:0 query (never the readings items), and holds every
 * point the hub had stored before the page subscribed (which no live notification brings); 7 d
 * draws 1-minute buckets with a min/max band, 1 h raw points again, a custom range what it covers.
 * A hub from before history (its answer replaced on the page's WebSocket by service-unavailable)
 * still fills the charts, from the readings items, and the page says nothing alarming.
 * References: docs/history.md (tiers, auto, RSM), XEP-0059 §2.2, XEP-0060 §6.5 (items),
 * RFC 6120 §8.3.3.19 (service-unavailable), RFC 7395 §3.3.3 (one stanza per WebSocket message). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Element } from "@xmpp/xml";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localInputValue } from "../../dashboard/history";
import { silentLogger } from "../../shared/log";
import { readingsNode } from "../../shared/model";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import { type HistoryRequest, makeHistoryQuery, parseHistoryAnswer } from "../../shared/xmpp/history";
import { parseEvent } from "../../shared/xmpp/pubsub-events";
import type { CliProcess } from "../helpers/cli";
import { inbox, subscribe } from "../helpers/pubsub";
import { type DashboardBrowser, logIn, openDashboard, points } from "./dashboard-browser";
import { startStack, type UpReady } from "./stack";

const HOUR = 3_600_000;

describe("the dashboard draws from the hub's history", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-dash-history-"));
  let up: CliProcess;
  let ready: UpReady;
  let conn: ClientConnection;
  let dash: DashboardBrowser | undefined;

  beforeAll(async () => {
    ({ proc: up, ready } = await startStack(dir));
    const [username] = ready.user.split("@");
    conn = createClient({
      config: { service: ready.c2s, domain: ready.domain, username: username!, password: ready.password },
      log: silentLogger(),
    });
    await conn.start();
  });
  afterAll(async () => {
    await dash?.close();
    await conn?.stop();
    await up?.stop("SIGINT");
    rmSync(dir, { recursive: true, force: true });
  });

  /** The temperature entries (points or buckets) of one page of the test's own history query. */
  async function entries(
    r: Omit<HistoryRequest, "device" | "channels">,
  ): Promise<{ resolution: string; n: number }> {
    const answer = await conn.request(
      makeHistoryQuery(ready.hub, "own", { ...r, device: ready.device, channels: ["temperature"] }),
    );
    const parsed = parseHistoryAnswer(answer.getChild("query") as Element);
    if (!parsed.ok) throw new Error(parsed.text);
    const s = parsed.value.series.find((x) => x.channel === "temperature");
    return { resolution: parsed.value.resolution, n: (s?.points.length ?? 0) + (s?.buckets.length ?? 0) };
  }

  const card = () => `.device[data-device="${ready.device}"]`;
  const temperature = () => `${card()} .channel[data-channel=temperature]`;

  /** Picks a range and waits until the card has drawn it. */
  async function pick(page: Page, key: string): Promise<void> {
    await page.click(`.range button[data-range="${key}"]`);
    await page.waitForSelector(`${card()}[data-range="${key}"]`, { timeout: 15_000 });
  }

  it("paints first from the history query, then switches between raw points and 1m buckets with a band", async () => {
    // Two readings items stored: history holds readings from before the page exists.
    const box = inbox(conn);
    await subscribe(conn, readingsNode(ready.device));
    const isReadings = (m: Element) => parseEvent(m)?.node === readingsNode(ready.device);
    await box.next(isReadings, 15_000);
    await box.next(isReadings, 15_000);
    const stored = await entries({ from: Date.now() - HOUR, to: Date.now(), resolution: "raw" });
    expect(stored).toMatchObject({ resolution: "raw" });
    expect(stored.n).toBeGreaterThan(0);

    dash = await openDashboard(ready.dashboard);
    const { page } = dash;
    const sent: string[] = [];
    page.on("websocket", (ws) => ws.on("framesent", ({ payload }) => sent.push(String(payload))));
    await logIn(page, ready.user, ready.password);
    await page.waitForSelector(`${card()}[data-loaded=true][data-source=history][data-range="1h"]`, {
      timeout: 15_000,
    });
    expect(await page.getAttribute("body", "data-range")).toBe("1h");
    expect(await page.getAttribute(temperature(), "data-resolution")).toBe("raw");
    // Points stored before the page subscribed reach it only through the history answer.
    expect(await points(page, ready.device, "temperature")).toBeGreaterThanOrEqual(stored.n);
    const queries = sent.filter((f) => f.includes("urn:xiot:history:0"));
    expect(queries.length).toBeGreaterThan(0);
    expect(queries[0]).toMatch(/resolution=["']auto["']/);
    expect(queries[0]).toMatch(/<channel name=["']temperature["']\/>/);
    // …and the readings items (the way of a hub without history) were never asked for.
    const itemsOfReadings = new RegExp(`<items [^>]*node=["']${readingsNode(ready.device)}["']`);
    expect(sent.filter((f) => itemsOfReadings.test(f))).toEqual([]);

    await pick(page, "7d");
    expect(await page.getAttribute(temperature(), "data-resolution")).toBe("1m");
    expect(await page.getAttribute(temperature(), "data-band")).toBe("min-max");
    expect(await page.getAttribute(`.range button[data-range="7d"]`, "aria-pressed")).toBe("true");
    const minutes = await entries({ from: Date.now() - 7 * 24 * HOUR, to: Date.now(), resolution: "auto" });
    expect(minutes.resolution).toBe("1m");
    // The same buckets as the test's own query, give or take a minute that began in between.
    expect(Math.abs((await points(page, ready.device, "temperature")) - minutes.n)).toBeLessThanOrEqual(1);
    expect(await page.locator(`${temperature()} canvas`).count()).toBe(1);
    await dash.screenshot("dashboard-history-7d.png");

    await pick(page, "1h");
    expect(await page.getAttribute(temperature(), "data-resolution")).toBe("raw");
    expect(await page.getAttribute(temperature(), "data-band")).toBeNull();
    expect(await points(page, ready.device, "temperature")).toBeGreaterThanOrEqual(stored.n);

    // A custom range: the end before the start is refused in words, two days up to now are 1m.
    await page.click(`.range button[data-range="custom"]`);
    const now = Date.now();
    await page.fill(".range-custom input[name=from]", localInputValue(now));
    await page.fill(".range-custom input[name=to]", localInputValue(now - HOUR));
    await page.click(".range-custom button[type=submit]");
    expect(await page.textContent(".range-error")).toBe("the end must be after the start");
    await page.fill(".range-custom input[name=from]", localInputValue(now - 48 * HOUR));
    await page.fill(".range-custom input[name=to]", localInputValue(now + HOUR));
    await page.click(".range-custom button[type=submit]");
    await page.waitForSelector(`${card()}[data-range=custom]`, { timeout: 15_000 });
    expect(await page.getAttribute(temperature(), "data-resolution")).toBe("1m");
    expect(await points(page, ready.device, "temperature")).toBeGreaterThan(0);
    expect(dash.errors).toEqual([]);
  });

  it("falls back to the readings items when the hub answers history with service-unavailable", async () => {
    await dash?.close();
    dash = await openDashboard(ready.dashboard);
    const { page } = dash;
    const refused: string[] = [];
    const sent: string[] = [];
    // What an older hub says to a query it does not know; everything else goes to the real server.
    await page.routeWebSocket(/./, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const text = String(message);
        sent.push(text);
        const id = /urn:xiot:history:0/.test(text) ? /\bid=["']([^"']+)["']/.exec(text)?.[1] : undefined;
        if (id === undefined) return server.send(message);
        refused.push(id);
        ws.send(
          `<iq xmlns="jabber:client" type="error" id="${id}" from="${ready.hub}"><error type="cancel">` +
            `<service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>`,
        );
      });
    });
    await logIn(page, ready.user, ready.password);
    await page.waitForSelector(`${card()}[data-loaded=true][data-source=items][data-range="1h"]`, {
      timeout: 15_000,
    });
    expect(refused.length).toBeGreaterThan(0);
    const itemsOfReadings = new RegExp(`<items [^>]*node=["']${readingsNode(ready.device)}["']`);
    expect(sent.some((f) => itemsOfReadings.test(f))).toBe(true);
    expect(await page.getAttribute(temperature(), "data-resolution")).toBe("raw");
    expect(await points(page, ready.device, "temperature")).toBeGreaterThan(0);
    expect(await page.isHidden(`${card()} .problem`)).toBe(true);
    expect(dash.errors).toEqual([]);
  });
});
