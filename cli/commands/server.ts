/* `xiot server`: runs the embedded Prosody until SIGINT/SIGTERM. One per data folder
 * (cli/up/folder-lock.ts): a second one exits FOLDER_IN_USE_EXIT_CODE (73), naming the first. */
import { resolve } from "node:path";
import { serverSchema } from "../../server/config";
import { exitText } from "../../server/process";
import { runServer } from "../../server/run";
import { type Command, EXIT_FAILURE, printReady, reportFailure, startCommand, untilSignal } from "../command";
import { FOLDER_IN_USE_EXIT_CODE, FolderInUseError, lockFolder } from "../up/folder-lock";

export const serverCommand: Command = {
  name: "server",
  summary: "Run the embedded XMPP server (Prosody) with a generated configuration",
  usage: "xiot server [--dir .xiot/server] [--domain localhost] [--c2s-port 5222] ...",
  options: [
    { flag: "--dir DIR", description: "data folder for config, accounts, logs (default .xiot/server)" },
    { flag: "--domain NAME", description: "the XMPP domain (default localhost); the hub is hub.<domain>" },
    {
      flag: "--c2s-port N",
      description: "client port (default 5222; 0 picks a free one, kept across restarts)",
    },
    { flag: "--component-port N", description: "component port for the hub (default 5347; 0 picks, kept)" },
    { flag: "--http-port N", description: "WebSocket and BOSH port (default 5280; 0 picks, kept)" },
    { flag: "--https-port N", description: "also serve HTTPS on this port (default: none)" },
    { flag: "--s2s-port N", description: "enable server-to-server on this port (default: off)" },
    {
      flag: "--public",
      description: "listen on all interfaces, require TLS, make a private CA, register only by invitation",
    },
    {
      flag: "--registration open|invite",
      description:
        "in-band registration for anyone, or only with an invitation (default: invite with --public)",
    },
    { flag: "--smacks-hibernation S", description: "seconds a broken client session is kept (default 600)" },
    { flag: "--admins JID,...", description: "server administrators (may create invites)" },
    { flag: "--invite-expiry S", description: "seconds an invitation stays valid (default 604800)" },
    {
      flag: "--c2s-rate R",
      description: 'bytes/s read from each client session (default 96kb/s; "off")',
    },
    { flag: "--s2s-rate R", description: 'bytes/s read from each federated server (default 1mb/s; "off")' },
    { flag: "--prosody-log-level L", description: "Prosody's own log level (default info)" },
    { flag: "--log.level L", description: "fatal|error|warn|info|debug|trace|silent (default info)" },
    { flag: "--config FILE", description: "JSON file with any of these keys" },
  ],
  async run(argv) {
    let release = async () => {};
    try {
      const stopSignal = untilSignal();
      const { config, log } = startCommand("server", serverSchema, argv);
      // Before stopStale and any file: a second start here must leave the running server alone.
      const lock = await lockFolder({
        dir: resolve(config.dir),
        shown: config.dir,
        command: "xiot server",
        log,
      });
      release = () => lock.release();
      const server = await runServer(config, log);
      await lock.describe({ command: "xiot server", c2s: server.info.c2s });
      printReady(server.info);
      log.info(`Prosody is running: ${server.info.c2s} for clients, ${server.info.component} for the hub`);
      const outcome = await Promise.race([
        stopSignal.then((signal) => ({ signal })),
        server.prosody.exited.then((exit) => ({ exit })),
      ]);
      if ("exit" in outcome) {
        process.stderr.write(
          `xiot server: Prosody (pid ${server.prosody.child.pid}) ${exitText(outcome.exit)}; see prosody.log in ${config.dir}\n`,
        );
        return EXIT_FAILURE;
      }
      log.info(`${outcome.signal}: stopping Prosody`);
      await server.stop();
      return 0;
    } catch (error) {
      if (error instanceof FolderInUseError) {
        process.stderr.write(`xiot server: ${error.message}\n`);
        return FOLDER_IN_USE_EXIT_CODE;
      }
      return reportFailure("server", error);
    } finally {
      await release().catch((error: Error) =>
        process.stderr.write(`xiot server: while releasing the folder lock: ${error.message}\n`),
      );
    }
  },
};
