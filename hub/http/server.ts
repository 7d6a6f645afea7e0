/* The hub's HTTP listener: the dashboard's static files, `/config.json` (what the page needs to
 * log in: the server's WebSocket URL, the domain, the hub's JID), `/metrics` (Prometheus text)
 * and `/healthz` (200 while the component link is online, 503 otherwise). GET and HEAD only.
 * With a certificate it serves HTTPS (RFC 9110 §4.2.2), as it must off loopback (resolveHubConfig
 * in cli/commands/hub.ts).
 * References: RFC 9110 §9.3.1–9.3.2 (GET, HEAD), §15.5.6 (405 with Allow), §15.6.4 (503);
 * RFC 7395 (the WebSocket URL the page connects to). */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../shared/log";
import type { HubMetrics } from "../metrics";
import type { DashboardFiles, StaticFile } from "./dashboard";

export interface ClientConfigJson {
  /** The users' XMPP domain. */
  domain: string;
  /** The hub's JID (`hub.<domain>`). */
  hub: string;
  /** The server's XMPP-over-WebSocket URL; null when the hub was not told it. */
  websocket: string | null;
}

export interface HttpDeps {
  host: string;
  port: number;
  /** The dashboard's files; a rejected promise makes the page answer 503 with the reason. */
  dashboard: Promise<DashboardFiles>;
  clientConfig: ClientConfigJson;
  metrics: Pick<HubMetrics, "text" | "contentType">;
  /** True while the component link is online. */
  healthy: () => boolean;
  log: Logger;
  /** Serve HTTPS with these PEM files; `name` is the host the certificate is for. */
  tls?: { certificate: string; key: string; name?: string };
}

export interface HttpListener {
  /** http://host:port/ as a browser on this machine reaches it. */
  readonly url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  // The page talks to the XMPP server's WebSocket, which is on another port (another origin).
  "content-security-policy":
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean) {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-cache",
  });
  res.end(head ? undefined : body);
}

const text = "text/plain; charset=utf-8";

export async function startHttp(deps: HttpDeps): Promise<HttpListener> {
  let files: DashboardFiles | undefined;
  let buildError: string | undefined;
  deps.dashboard.then(
    (built) => {
      files = built;
    },
    (error: unknown) => {
      buildError = error instanceof Error ? error.message : String(error);
      deps.log.warn({ err: error }, "the dashboard could not be built; /metrics and /healthz still work");
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, text, "method not allowed\n", false);
    }
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/healthz") {
      const up = deps.healthy();
      return send(res, up ? 200 : 503, text, up ? "ok\n" : "component link offline\n", head);
    }
    if (path === "/metrics") return send(res, 200, deps.metrics.contentType, await deps.metrics.text(), head);
    if (path === "/config.json") {
      return send(res, 200, "application/json", JSON.stringify(deps.clientConfig), head);
    }
    const file = await dashboardFile(path);
    if (file === "unavailable") {
      return send(
        res,
        503,
        text,
        `the dashboard is not available: ${buildError ?? "still building"}\n`,
        head,
      );
    }
    if (!file) return send(res, 404, text, "not found\n", head);
    return send(res, 200, file.type, file.body, head);
  }

  async function dashboardFile(path: string): Promise<StaticFile | undefined | "unavailable"> {
    if (!files && !buildError) {
      // Why ignored: the outcome is recorded by the handlers above; here we only wait for it.
      await deps.dashboard.catch(() => undefined);
    }
    if (!files) return "unavailable";
    return files.get(path);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      deps.log.error({ err: error, url: req.url }, "HTTP request failed");
      if (!res.headersSent) send(res, 500, text, "internal error\n", false);
      else res.destroy();
    });
  };
  const server = deps.tls
    ? createHttpsServer(
        { cert: readFileSync(deps.tls.certificate), key: readFileSync(deps.tls.key) },
        onRequest,
      )
    : createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    server.once("error", fail);
    server.listen(deps.port, deps.host, () => {
      server.off("error", fail);
      resolve();
    });
  });
  server.on("error", (error) => deps.log.error({ err: error }, "HTTP listener error"));
  const { port } = server.address() as AddressInfo;
  // Over HTTPS the name is the certificate's (the server's domain), as a browser checks it.
  const local = deps.host.includes(":")
    ? `[${deps.host}]`
    : deps.host === "0.0.0.0"
      ? "127.0.0.1"
      : deps.host;
  const host = deps.tls ? (deps.tls.name ?? local) : local;
  return {
    url: `${deps.tls ? "https" : "http"}://${host}:${port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
