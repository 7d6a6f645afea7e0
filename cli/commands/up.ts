/* `xiot up` (npm start): the whole stack on one machine — the embedded Prosody, the hub, a
 * simulated device agent, and the accounts they need (an administrator, a demo user who may read
 * and control the device, and the device's own). One `xiot up` per folder (cli/up/folder-lock.ts):
 * a second one exits FOLDER_IN_USE_EXIT_CODE (73) without touching the running stack. When
 * Prosody, its one child process, dies, `xiot up` says so and exits 1. */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { type HubConfig, hubSchema } from "../../hub/config";
import { createHub } from "../../hub/main";
import { serverSchema } from "../../server/config";
import { exitText } from "../../server/process";
import { type RunningServer, runServer, type ServerInfo } from "../../server/run";
import { domainSchema, logSchema, portSchema } from "../../shared/config/common";
import { type Command, EXIT_FAILURE, printReady, reportFailure, startCommand, untilSignal } from "../command";
import { ensureAccounts, planAccounts, type StackAccounts } from "../up/accounts";
import { ensureDemoProvisioned } from "../up/demo-device";
import { createDemoDevice } from "../up/device";
import { FOLDER_IN_USE_EXIT_CODE, FolderInUseError, lockStack } from "../up/folder-lock";
import { dashboardPort, writeStackFile } from "../up/stack-file";
import { renderSummary } from "../up/summary";

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
    {
      flag: "--dir DIR",
      description: "data folder for everything (default .xiot); a later run reuses it, one run at a time",
    },
    { flag: "--domain NAME", description: "the XMPP domain (default localhost)" },
    {
      flag: "--c2s-port N",
      description: "client port (default 5222; 0 picks a free one, kept across restarts)",
    },
    { flag: "--component-port N", description: "component port (default 5347; 0 picks, kept)" },
    { flag: "--http-port N", description: "server's WebSocket/BOSH port (default 5280; 0 picks, kept)" },
    {
      flag: "--dashboard-port N",
      description: "the hub's dashboard, /metrics and /healthz (default 8080; 0 picks, kept across restarts)",
    },
    { flag: "--dashboard-host H", description: "address the dashboard listens on (default 127.0.0.1)" },
    { flag: "--json", description: "print one ready line on stdout for scripts" },
  ],
  async run(argv) {
    // Listen for Ctrl-C from the start: a signal during start-up still stops everything cleanly.
    const stopSignal = untilSignal();
    // Whatever started is stopped again, newest first, at the end or when a later step fails.
    const started: (() => Promise<void>)[] = [];
    try {
      const { config, log } = startCommand("up", upSchema, argv);
      const dir = resolve(config.dir);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Before anything is read or written: a second `xiot up` here must leave the first alone.
      const locks = await lockStack({ dir, shown: config.dir, log });
      for (const lock of locks) started.push(() => lock.release());
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
      started.push(() => server.stop());
      // From here on, Prosody dying ends the wait of whichever step is running.
      const died = prosodyDied(server, dir);
      const guard = <T>(step: Promise<T>) => Promise.race([step, died]);
      const { info } = server;
      log.info("checking the stack's accounts");
      await guard(ensureAccounts(accounts, info, log.child({ module: "accounts" })));
      log.info("starting the hub");
      const hub = createHub({
        config: await hubConfig(config, dir, info, accounts.admin.jid),
        log: log.child({ module: "hub" }),
      });
      started.push(() => hub.stop());
      await guard(hub.start());
      const dashboard = hub.httpUrl();
      if (dashboard === undefined) {
        throw new Error(
          `the dashboard ${hub.httpFailure() ?? "did not start"} (--dashboard-port N, 0 picks a free one)`,
        );
      }
      writeStackFile(dir, { dashboard });
      log.info(`starting the simulated device ${accounts.device.jid}`);
      const registrationSecret = await guard(
        ensureDemoProvisioned({
          dir,
          server: info,
          accounts,
          model: "xiot-simulated",
          log: log.child({ module: "provisioning" }),
        }),
      );
      const agent = await createDemoDevice({
        dir,
        server: info,
        accounts,
        registrationSecret,
        logConfig: config.log,
        log: log.child({ module: "agent" }),
      });
      started.push(() => agent.stop());
      await guard(agent.start());
      const chat = agent.jid;
      for (const lock of locks) await lock.describe({ command: "xiot up", dashboard, chat, c2s: info.c2s });
      log.info(`clients connect to ${info.c2s} (domain ${info.domain}), browsers to ${info.websocket}`);
      announce({ config, dashboard, info, accounts, chat });
      await Promise.race([stopSignal, died]);
      return 0;
    } catch (error) {
      if (error instanceof FolderInUseError) {
        process.stderr.write(`xiot up: ${error.message}\n`);
        return FOLDER_IN_USE_EXIT_CODE;
      }
      if (error instanceof ChildDiedError) {
        process.stderr.write(`xiot up: ${error.message}; stopping the hub and the device\n`);
        return EXIT_FAILURE;
      }
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

type UpConfig = z.infer<typeof upSchema>;

async function hubConfig(config: UpConfig, dir: string, info: ServerInfo, admin: string): Promise<HubConfig> {
  return {
    ...hubSchema.parse({
      dir: join(dir, "hub"),
      hub: { admins: [admin] },
      http: {
        port: await dashboardPort(dir, config.dashboardPort, config.dashboardHost),
        host: config.dashboardHost,
        websocket: info.websocket,
      },
      log: config.log,
    }),
    xmpp: { service: info.component, domain: info.hub, password: info.hubSecret },
  };
}

/** The --json ready line on stdout, then the summary for people on stderr. */
function announce(o: {
  config: UpConfig;
  dashboard: string;
  info: ServerInfo;
  accounts: StackAccounts;
  chat: string;
}): void {
  const { config, dashboard, info, accounts } = o;
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
  const summary = renderSummary({
    dir: config.dir,
    dashboard,
    user: accounts.demo.jid,
    password: accounts.demo.password,
    chat: o.chat,
    domain: info.domain,
    c2s: info.c2s,
    tls: info.ca !== undefined,
  });
  process.stderr.write(summary);
}

class ChildDiedError extends Error {}

/** Rejects, naming Prosody, its pid and how it ended, when it exits before being told to stop. */
function prosodyDied(server: RunningServer, dir: string): Promise<never> {
  const pid = server.prosody.child.pid;
  const died = server.prosody.exited.then((exit) => {
    throw new ChildDiedError(
      `Prosody (pid ${pid}) ${exitText(exit)}; its log is ${join(dir, "server", "prosody.log")}`,
    );
  });
  // Why: the rejection is read by whichever step or wait races it; unraced it must not be fatal.
  died.catch(() => undefined);
  return died;
}
