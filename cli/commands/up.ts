/* `xiot up` (npm start): the whole stack on one machine — the embedded Prosody, the hub, a
 * simulated device agent, and the accounts they need (an administrator, a demo user who may read
 * and control the device, and the device's own). */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { hubSchema } from "../../hub/config";
import { createHub } from "../../hub/main";
import { serverSchema } from "../../server/config";
import { runServer } from "../../server/run";
import { domainSchema, logSchema, portSchema } from "../../shared/config/common";
import { type Command, printReady, reportFailure, startCommand, untilSignal } from "../command";
import { ensureAccounts, planAccounts } from "../up/accounts";
import { ensureDemoProvisioned } from "../up/demo-device";
import { startDemoDevice } from "../up/device";

const upSchema = z.object({
  dir: z.string().min(1).default(".xiot"),
  domain: domainSchema.default("localhost"),
  c2sPort: portSchema.default(5222),
  componentPort: portSchema.default(5347),
  httpPort: portSchema.default(5280),
  dashboardPort: portSchema.default(8080),
  dashboardHost: z.string().min(1).default("127.0.0.1"),
  json: z.boolean().default(false),
  log: logSchema,
});

export const upCommand: Command = {
  name: "up",
  summary: "Start the whole stack on this machine: server, hub and a simulated device",
  usage:
    "xiot up [--dir .xiot] [--json] [--c2s-port N] [--component-port N] [--http-port N] [--dashboard-port N]",
  options: [
    { flag: "--dir DIR", description: "data folder for everything (default .xiot); a second run reuses it" },
    { flag: "--domain NAME", description: "the XMPP domain (default localhost)" },
    { flag: "--c2s-port N", description: "client port (default 5222; 0 picks a free one)" },
    { flag: "--component-port N", description: "component port (default 5347; 0 picks)" },
    { flag: "--http-port N", description: "server's WebSocket/BOSH port (default 5280; 0 picks)" },
    {
      flag: "--dashboard-port N",
      description: "the hub's dashboard, /metrics and /healthz (default 8080; 0 picks)",
    },
    { flag: "--dashboard-host H", description: "address the dashboard listens on (default 127.0.0.1)" },
    { flag: "--json", description: "print one ready line on stdout for scripts" },
  ],
  async run(argv) {
    // Listen for Ctrl-C from the start: a signal during start-up still stops everything cleanly.
    const stopSignal = untilSignal();
    const started: (() => Promise<void>)[] = [];
    try {
      const { config, log } = startCommand("up", upSchema, argv);
      const dir = resolve(config.dir);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const accounts = planAccounts(dir, config.domain);
      log.info("starting the XMPP server (Prosody)");
      const server = await runServer(
        serverSchema.parse({
          dir: join(dir, "server"),
          domain: config.domain,
          c2sPort: config.c2sPort,
          componentPort: config.componentPort,
          httpPort: config.httpPort,
          admins: [accounts.admin.jid],
          log: config.log,
        }),
        log.child({ module: "server" }),
      );
      // Whatever started is stopped again, newest first, at the end or when a later step fails.
      started.push(() => server.stop());
      const { info } = server;
      log.info("checking the stack's accounts");
      await ensureAccounts(accounts, info, log.child({ module: "accounts" }));
      log.info("starting the hub");
      const hub = createHub({
        config: {
          ...hubSchema.parse({
            dir: join(dir, "hub"),
            hub: { admins: [accounts.admin.jid] },
            http: { port: config.dashboardPort, host: config.dashboardHost, websocket: info.websocket },
            log: config.log,
          }),
          xmpp: { service: info.component, domain: info.hub, password: info.hubSecret },
        },
        log: log.child({ module: "hub" }),
      });
      started.push(() => hub.stop());
      await hub.start();
      const dashboard = hub.httpUrl();
      if (dashboard === undefined) {
        throw new Error(
          `the dashboard ${hub.httpFailure() ?? "did not start"} (--dashboard-port N, 0 picks a free one)`,
        );
      }
      log.info(`starting the simulated device ${accounts.device.jid}`);
      const registrationSecret = await ensureDemoProvisioned({
        dir,
        server: info,
        accounts,
        model: "xiot-simulated",
        log: log.child({ module: "provisioning" }),
      });
      const agent = await startDemoDevice({
        dir,
        server: info,
        accounts,
        registrationSecret,
        logConfig: config.log,
        log: log.child({ module: "agent" }),
      });
      started.push(() => agent.stop());
      if (config.json) {
        // This line is a contract for scripts and tests: exactly these keys.
        printReady({
          ready: true,
          dashboard,
          domain: info.domain,
          c2s: info.c2s,
          component: info.component,
          websocket: info.websocket,
          hub: info.hub,
          device: accounts.device.username,
          user: accounts.demo.jid,
          password: accounts.demo.password,
        });
      }
      log.info(`xiot is up: clients connect to ${info.c2s} (domain ${info.domain}), the hub is ${info.hub}`);
      log.info(`dashboard at ${dashboard}`);
      log.info(`log in as ${accounts.demo.jid} with password ${accounts.demo.password}`);
      log.info(`WebSocket for browsers: ${info.websocket}. Ctrl-C stops everything.`);
      await Promise.race([stopSignal, server.prosody.exited]);
      return 0;
    } catch (error) {
      return reportFailure("up", error);
    } finally {
      for (const stop of started.reverse()) {
        await stop().catch((error: Error) =>
          process.stderr.write(`xiot up: while stopping: ${error.message}\n`),
        );
      }
    }
  },
};
