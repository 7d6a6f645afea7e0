/* The hub's HTTP side as the composition root uses it: started before the component link (so
 * /healthz answers 503 while the link comes up), stopped after it. A port already in use is
 * logged and leaves the hub running without HTTP: XMPP is the hub's job, HTTP an extra; `xiot up`
 * checks `url()` and stops with a message instead.
 * References: docs/design.md §1 (the dashboard is served by the hub's HTTP listener). */
import type { Logger } from "../../shared/log";
import type { HubConfig } from "../config";
import type { HubMetrics } from "../metrics";
import { buildDashboard, type DashboardFiles } from "./dashboard";
import { type HttpListener, startHttp } from "./server";

export interface HubHttpDeps {
  config: HubConfig["http"];
  hubJid: string;
  domain: string;
  metrics: HubMetrics;
  healthy: () => boolean;
  log: Logger;
  /** Builds the dashboard (tests inject a stub). */
  build?: () => Promise<DashboardFiles>;
}

export interface HubHttp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The listener's base URL once started; undefined when off or when it could not listen. */
  url(): string | undefined;
  /** Why it is not listening, when it is not. */
  failure(): string | undefined;
}

export function createHubHttp(deps: HubHttpDeps): HubHttp {
  let listener: HttpListener | undefined;
  let failure: string | undefined;
  return {
    async start() {
      if (!deps.config.enabled || listener) return;
      const dashboard = (deps.build ?? buildDashboard)();
      // Why: startHttp reports a failed build on the page itself; this keeps Node from calling
      // the rejection unhandled before the listener has attached its own handlers.
      dashboard.catch(() => undefined);
      try {
        listener = await startHttp({
          host: deps.config.host,
          port: deps.config.port,
          dashboard,
          clientConfig: { domain: deps.domain, hub: deps.hubJid, websocket: deps.config.websocket ?? null },
          metrics: deps.metrics,
          healthy: deps.healthy,
          log: deps.log,
          ...(deps.config.tls && { tls: { ...deps.config.tls, name: deps.domain } }),
        });
        deps.log.info({ url: listener.url }, `dashboard at ${listener.url}`);
      } catch (error) {
        failure = `cannot listen on ${deps.config.host}:${deps.config.port} (${(error as Error).message}); set http.port`;
        deps.log.warn({ err: error }, `HTTP listener not started: ${failure}`);
      }
    },
    async stop() {
      await listener?.close();
      listener = undefined;
    },
    url: () => listener?.url,
    failure: () => failure,
  };
}
