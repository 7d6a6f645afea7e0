/* `xiot up` (npm start): the whole stack on one machine. For now the server and the hub. */

import { join } from "node:path";
import { z } from "zod";
import { hubSchema } from "../../hub/config";
import { createHub } from "../../hub/main";
import { runServer } from "../../server/run";
import { domainSchema, logSchema, portSchema } from "../../shared/config/common";
import { type Command, printReady, reportFailure, startCommand, untilSignal } from "../command";

const upSchema = z.object({
  dir: z.string().min(1).default(".xiot"),
  domain: domainSchema.default("localhost"),
  c2sPort: portSchema.default(5222),
  componentPort: portSchema.default(5347),
  httpPort: portSchema.default(5280),
  json: z.boolean().default(false),
  log: logSchema,
});

export const upCommand: Command = {
  name: "up",
  summary: "Start the whole stack on this machine: server and hub",
  usage: "xiot up [--dir .xiot] [--json] [--c2s-port N] [--component-port N] [--http-port N]",
  options: [
    { flag: "--dir DIR", description: "data folder for everything (default .xiot); a second run reuses it" },
    { flag: "--domain NAME", description: "the XMPP domain (default localhost)" },
    { flag: "--c2s-port N", description: "client port (default 5222; 0 picks a free one)" },
    { flag: "--component-port N", description: "component port (default 5347; 0 picks)" },
    { flag: "--http-port N", description: "server's WebSocket/BOSH port (default 5280; 0 picks)" },
    { flag: "--json", description: "print one ready line on stdout for scripts" },
  ],
  async run(argv) {
    try {
      const { config, log } = startCommand("up", upSchema, argv);
      log.info("starting the XMPP server (Prosody)");
      const server = await runServer(
        {
          dir: join(config.dir, "server"),
          domain: config.domain,
          c2sPort: config.c2sPort,
          componentPort: config.componentPort,
          httpPort: config.httpPort,
          public: false,
          smacksHibernation: 600,
          prosodyLogLevel: "info",
          log: config.log,
        },
        log.child({ module: "server" }),
      );
      log.info("starting the hub");
      const { info } = server;
      const hub = createHub({
        config: {
          ...hubSchema.parse({ dir: join(config.dir, "hub"), log: config.log }),
          xmpp: { service: info.component, domain: info.hub, password: info.hubSecret },
        },
        log: log.child({ module: "hub" }),
      });
      await hub.start();
      const { hubSecret: _secret, ...shown } = info;
      if (config.json) printReady({ ...shown, ready: true });
      log.info(`xiot is up: clients connect to ${info.c2s} (domain ${info.domain}), the hub is ${info.hub}`);
      log.info(`WebSocket for browsers: ${info.websocket}. Ctrl-C stops everything.`);
      await Promise.race([untilSignal(), server.prosody.exited]);
      await hub.stop();
      await server.stop();
      return 0;
    } catch (error) {
      return reportFailure("up", error);
    }
  },
};
