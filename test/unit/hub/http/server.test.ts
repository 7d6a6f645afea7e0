import { afterEach, describe, expect, it } from "vitest";
import type { DashboardFiles } from "../../../../hub/http/dashboard";
import { type HttpListener, startHttp } from "../../../../hub/http/server";
import { silentLogger } from "../../../../shared/log";

const files: DashboardFiles = new Map([
  ["/", { body: Buffer.from("<html>dash</html>"), type: "text/html; charset=utf-8" }],
  ["/app.js", { body: Buffer.from("console.log(1)"), type: "text/javascript; charset=utf-8" }],
]);

describe("the hub's HTTP listener", () => {
  let listener: HttpListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  async function start(options: { healthy?: () => boolean; dashboard?: Promise<DashboardFiles> } = {}) {
    listener = await startHttp({
      host: "127.0.0.1",
      port: 0,
      dashboard: options.dashboard ?? Promise.resolve(files),
      clientConfig: {
        domain: "localhost",
        hub: "hub.localhost",
        websocket: "ws://127.0.0.1:5280/xmpp-websocket",
      },
      metrics: { text: async () => "xiot_x 1\n", contentType: "text/plain; version=0.0.4; charset=utf-8" },
      healthy: options.healthy ?? (() => true),
      log: silentLogger(),
    });
    return listener.url;
  }

  it("serves the page, its files, /config.json and /metrics", async () => {
    const url = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await page.text()).toBe("<html>dash</html>");
    expect(await (await fetch(`${url}app.js`)).text()).toBe("console.log(1)");
    expect(await (await fetch(`${url}config.json`)).json()).toEqual({
      domain: "localhost",
      hub: "hub.localhost",
      websocket: "ws://127.0.0.1:5280/xmpp-websocket",
    });
    const metrics = await fetch(`${url}metrics`);
    expect(metrics.headers.get("content-type")).toContain("version=0.0.4");
    expect(await metrics.text()).toBe("xiot_x 1\n");
    expect((await fetch(`${url}nothing-here`)).status).toBe(404);
    const post = await fetch(url, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers /healthz from the component link's state", async () => {
    let online = false;
    const url = await start({ healthy: () => online });
    expect((await fetch(`${url}healthz`)).status).toBe(503);
    online = true;
    expect((await fetch(`${url}healthz`)).status).toBe(200);
  });

  it("says why the dashboard is unavailable when it could not be built, and keeps the rest", async () => {
    const failed = Promise.reject(new Error("esbuild is not installed"));
    failed.catch(() => undefined);
    const url = await start({ dashboard: failed });
    const page = await fetch(url);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("esbuild is not installed");
    expect((await fetch(`${url}healthz`)).status).toBe(200);
  });

  it("refuses a port in use with the listen error", async () => {
    const url = await start();
    const port = Number(new URL(url).port);
    await expect(
      startHttp({
        host: "127.0.0.1",
        port,
        dashboard: Promise.resolve(files),
        clientConfig: { domain: "d", hub: "hub.d", websocket: null },
        metrics: { text: async () => "", contentType: "text/plain" },
        healthy: () => true,
        log: silentLogger(),
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
