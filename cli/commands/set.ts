/* `xiot set <device> <channel> <value>`: switch or set an actuator through the hub, as a logged-in
 * user; prints the outcome and exits non-zero unless the device applied it.
 * References: docs/design.md §3 (commands with the same permission check as their XEP form),
 * hub/control (outcomes: done, refused, offline, expired, timed out, failed; with --json, `reason`
 * names the device's refusal when it gave one: clock-unknown, issued-in-future, stale-seq). */
import { z } from "zod";
import { needsReexec, reexecWithCa } from "../../shared/xmpp/ca";
import {
  type Command,
  EXIT_FAILURE,
  printReady,
  reportFailure,
  startQuietCommand,
  UsageError,
} from "../command";
import { controlDevice } from "../control/run";
import { accountSchema, resolveUserSession, splitPositional, USER_SESSION_OPTIONS } from "../control/session";
import { connectSession } from "../provision/connect";
import { sessionSchema } from "../provision/session";

const setSchema = z.object({ ...sessionSchema, ...accountSchema, json: z.boolean().default(false) });

export const SESSION_OPTIONS = [
  ...USER_SESSION_OPTIONS,
  { flag: "--json", description: "one JSON line with the outcome" },
];

export const setCommand: Command = {
  name: "set",
  summary: "Switch or set an actuator through the hub: xiot set kitchen-1 relay on",
  usage:
    "xiot set <device> <channel> <value> [--dir .xiot | --xmpp.service URI --xmpp.domain D --xmpp.username U --xmpp.password P]",
  options: SESSION_OPTIONS,
  async run(argv) {
    try {
      const { words, flags } = splitPositional(argv);
      if (words.length < 3) throw new UsageError("usage: xiot set <device> <channel> <value>");
      const [device, channel, ...value] = words as [string, string, ...string[]];
      const { config, log } = startQuietCommand("set", setSchema, flags);
      const session = resolveUserSession(config);
      if (needsReexec(session.ca)) return await reexecWithCa(session.ca as string);
      const connection = await connectSession(session, log);
      try {
        const r = await controlDevice(connection.request, session.hub, {
          device,
          channel,
          value: value.join(" "),
        });
        if (config.json) printReady({ ready: r.ok, outcome: r.outcome, text: r.text, ...r.fields });
        else (r.ok ? process.stdout : process.stderr).write(`${r.text}\n`);
        return r.ok ? 0 : EXIT_FAILURE;
      } finally {
        await connection.stop();
      }
    } catch (error) {
      return reportFailure("set", error);
    }
  },
};
