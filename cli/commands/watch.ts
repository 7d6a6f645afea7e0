/* `xiot watch <device>[/<channel>]`: prints a device's readings as they arrive (decoded from
 * EXI4JSON), after the stored ones since `--since`; `--json` prints one JSON object per line.
 * Logs in as the demo user of a stack folder (`--dir`, made by `xiot up`; `--as admin` for its
 * admin) or with `--xmpp.*`.
 * References: docs/design.md §2 (readings node and document), XEP-0060 §6.1 and §6.5, XEP-0059. */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { needsReexec, reexecWithCa } from "../../shared/xmpp/ca";
import { type Command, reportFailure, startQuietCommand, untilSignal } from "../command";
import { accountSchema, resolveUserSession, USER_SESSION_OPTIONS } from "../control/session";
import { connectSession } from "../provision/connect";
import { sessionSchema } from "../provision/session";
import { createWatchFeed } from "../watch/feed";
import { formatJson, formatText, parseSince, parseTarget } from "../watch/format";

const watchSchema = z.object({
  ...sessionSchema,
  ...accountSchema,
  device: z.string().optional(),
  json: z.boolean().default(false),
  since: z.string().min(1).optional(),
});

export const watchCommand: Command = {
  name: "watch",
  summary: "Print a device's readings live (and stored ones with --since)",
  usage: "xiot watch <device>[/<channel>] [--since 10m] [--json] [--dir .xiot | --xmpp.* flags]",
  options: [
    {
      flag: "--since D",
      description: "first print stored readings from D ago (30s, 10m, 2h, 1d) or a date-time",
    },
    { flag: "--json", description: "one JSON object per reading and line" },
    ...USER_SESSION_OPTIONS,
  ],
  async run(argv) {
    try {
      const stopSignal = untilSignal();
      const [first, ...rest] = argv;
      const positional = first !== undefined && !first.startsWith("-");
      const { config, log } = startQuietCommand("watch", watchSchema, positional ? rest : argv);
      const target = parseTarget(positional ? first : config.device);
      const since = config.since === undefined ? undefined : parseSince(config.since, Date.now());
      const resolved = resolveUserSession(config);
      // A resource of its own: two watchers (or a watcher and another CLI command) never kick each other.
      const session = {
        ...resolved,
        client: { ...resolved.client, resource: `watch-${randomBytes(4).toString("hex")}` },
      };
      if (needsReexec(session.ca)) return await reexecWithCa(session.ca as string);
      const connection = await connectSession(session, log);
      try {
        const feed = createWatchFeed({
          connection,
          hub: session.hub,
          target,
          print: (line) => process.stdout.write(`${config.json ? formatJson(line) : formatText(line)}\n`),
          warn: (message) => log.warn(message),
        });
        await feed.loadMeta();
        // Subscribe first, then read history: nothing published in between is missed.
        await feed.live();
        if (since !== undefined) await feed.history(since);
        feed.release();
        // Said to the person, whatever the log level: the readings follow on stdout.
        process.stderr.write(
          `watching ${target.device}${target.channel ? `/${target.channel}` : ""}; Ctrl-C stops\n`,
        );
        await stopSignal;
      } finally {
        await connection.stop();
      }
      return 0;
    } catch (error) {
      return reportFailure("watch", error);
    }
  },
};
