/* `xiot get <device> [channel]`: a device's status (availability, actuators, newest readings) or
 * one channel read just now, through the hub, as a logged-in user.
 * References: XEP-0323 §3.1 (momentary readout, done by the hub), hub/control (Device status). */
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
import { readDevice } from "../control/run";
import { accountSchema, resolveUserSession, splitPositional } from "../control/session";
import { connectSession } from "../provision/connect";
import { sessionSchema } from "../provision/session";
import { SESSION_OPTIONS } from "./set";

const getSchema = z.object({ ...sessionSchema, ...accountSchema, json: z.boolean().default(false) });

export const getCommand: Command = {
  name: "get",
  summary: "Read a device's status, or one channel now, through the hub: xiot get kitchen-1 relay",
  usage:
    "xiot get <device> [channel] [--dir .xiot | --xmpp.service URI --xmpp.domain D --xmpp.username U --xmpp.password P]",
  options: SESSION_OPTIONS,
  async run(argv) {
    try {
      const { words, flags } = splitPositional(argv);
      if (words.length < 1 || words.length > 2) throw new UsageError("usage: xiot get <device> [channel]");
      const [device, channel] = words as [string, string | undefined];
      const { config, log } = startQuietCommand("get", getSchema, flags);
      const session = resolveUserSession(config);
      if (needsReexec(session.ca)) return await reexecWithCa(session.ca as string);
      const connection = await connectSession(session, log);
      try {
        const r = await readDevice(connection.request, session.hub, { device, ...(channel && { channel }) });
        if (config.json) printReady({ ready: r.ok, text: r.text, ...r.fields });
        else if (!r.ok) process.stderr.write(`${r.text}\n`);
        else process.stdout.write(`${channel ? `${device} ${channel}: ${r.fields.value ?? "?"}` : r.text}\n`);
        return r.ok ? 0 : EXIT_FAILURE;
      } finally {
        await connection.stop();
      }
    } catch (error) {
      return reportFailure("get", error);
    }
  },
};
