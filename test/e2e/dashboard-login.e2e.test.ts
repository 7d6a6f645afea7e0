/* The dashboard logs in from Chromium with the shared SCRAM-SHA-1 machine (shared/xmpp/scram.ts on
 * WebCrypto): @xmpp/client's browser build has no SCRAM-SHA-1 of its own, so an <auth
 * mechanism='SCRAM-SHA-1'/> on the page's WebSocket is ours, and being online means the server's
 * signature was checked. A refused first login ends in "failed", is said in words, and is not retried.
 * References: RFC 7395 (XMPP over WebSocket), RFC 5802 §5 (messages), RFC 6120 §6.4.5 (failure). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliProcess, jsonLogLines } from "../helpers/cli";
import { type DashboardBrowser, logIn, openDashboard } from "./dashboard-browser";
import { startServer, type TestServer } from "./server";

const AUTH = /<auth [^>]*mechanism=["']SCRAM-SHA-1["'][^>]*>([^<]+)<\/auth>/;

describe("the dashboard's login", () => {
  let server: TestServer;
  let hub: CliProcess;
  let dashboardUrl: string;
  let dash: DashboardBrowser | undefined;

  beforeAll(async () => {
    server = await startServer();
    hub = await server.hub(["--http.port", "0"]);
    await hub.waitForLine("stderr", (t) => t.includes("dashboard at"), 10_000);
    dashboardUrl = String(jsonLogLines(hub.stderr).find((l) => typeof l.url === "string")?.url);
  });
  afterAll(async () => {
    await dash?.close();
    await server?.stop();
  });

  it("refuses a wrong password without retrying, then logs in with SCRAM-SHA-1 from the shared machine", async () => {
    const person = await server.register();
    dash = await openDashboard(dashboardUrl);
    const { page } = dash;
    const sent: string[] = [];
    let sockets = 0;
    page.on("websocket", (ws) => {
      sockets += 1;
      ws.on("framesent", ({ payload }) => sent.push(String(payload)));
    });

    await page.fill("input[name=user]", person.jid);
    await page.fill("input[name=password]", "not-the-password");
    await page.click("#login-button");
    await page.waitForSelector("body[data-connection=failed]", { timeout: 15_000 });
    // RFC 6120 §6.5.10 in words (Prosody says not-authorized for an unknown account too).
    expect(await page.textContent("#status")).toBe(
      `Login failed: wrong password (or no such account) for ${person.jid}`,
    );
    expect(sockets).toBe(1);

    await logIn(page, person.jid, person.password);
    // One socket per login: the refused one was not retried in the meantime.
    expect(sockets).toBe(2);
    const auths = sent.map((frame) => AUTH.exec(frame)?.[1]).filter((a) => a !== undefined);
    expect(auths).toHaveLength(2);
    for (const auth of auths)
      expect(atob(auth)).toMatch(new RegExp(`^n,,n=${person.username},r=[A-Za-z0-9+/]{24}$`));
    // The page shows "online" from inside the login, and names who is logged in once it returns.
    await page.waitForFunction((jid) => document.querySelector("#who")?.textContent === jid, person.jid, {
      timeout: 5_000,
    });
    expect(await page.textContent("#who")).toBe(person.jid);
    expect(dash.errors).toEqual([]);
  });
});
