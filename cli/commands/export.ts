/* `xiot export <device> [channel...]`: a device's history as CSV or JSON lines, to stdout or a
 * file, streamed page by page from the hub (urn:xiot:history:0, docs/history.md), with progress
 * on a terminal. */
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { z } from "zod";
import { isChannelName, isDeviceId } from "../../shared/model";
import { MOMENT_HELP, parseMoment } from "../../shared/time-range";
import { needsReexec, reexecWithCa } from "../../shared/xmpp/ca";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import { type Command, reportFailure, startQuietCommand, UsageError } from "../command";
import { accountSchema, resolveUserSession, splitPositional } from "../control/session";
import { exportHistory } from "../history/export";
import { connectSession } from "../provision/connect";
import { sessionSchema } from "../provision/session";
import { SESSION_OPTIONS } from "./set";

const exportSchema = z.object({
  ...sessionSchema,
  ...accountSchema,
  from: z.string().default("24h"),
  to: z.string().optional(),
  format: z.enum(["csv", "jsonl"]).default("csv"),
  resolution: z.enum(["raw", "1m", "1h", "auto"]).default("raw"),
  out: z.string().min(1).optional(),
});

function moment(flag: string, text: string, now: number): number {
  const t = parseMoment(text, now);
  if (t === undefined) throw new UsageError(`--${flag} "${text}": expected ${MOMENT_HELP}`);
  return t;
}

const finish = (out: Writable): Promise<void> =>
  new Promise((resolve, reject) => {
    out.once("error", reject);
    out.end(resolve);
  });

export const exportCommand: Command = {
  name: "export",
  summary: "Write a device's history as CSV or JSON lines: xiot export kitchen-1 temperature --from 7d",
  usage:
    "xiot export <device> [channel...] [--from 24h] [--to now] [--format csv|jsonl] [--resolution raw|1m|1h|auto] [--out FILE]",
  options: [
    { flag: "--from WHEN", description: `start of the range (default 24h): ${MOMENT_HELP}` },
    { flag: "--to WHEN", description: "end of the range (default now), as --from" },
    { flag: "--format F", description: "csv (default) or jsonl" },
    { flag: "--resolution R", description: "raw readings (default), 1m or 1h rollups, or auto by range" },
    { flag: "--out FILE", description: "write to a file instead of stdout" },
    ...SESSION_OPTIONS,
  ],
  async run(argv) {
    try {
      const { words, flags } = splitPositional(argv);
      const [device, ...channels] = words;
      if (device === undefined) throw new UsageError("usage: xiot export <device> [channel...]");
      if (!isDeviceId(device)) throw new UsageError(`"${device}" is not a device id`);
      for (const c of channels) if (!isChannelName(c)) throw new UsageError(`"${c}" is not a channel name`);
      const { config, log } = startQuietCommand("export", exportSchema, flags);
      const now = Date.now();
      const from = moment("from", config.from, now);
      const to = config.to === undefined ? now : moment("to", config.to, now);
      if (to <= from) throw new UsageError("--to must be later than --from");
      const session = resolveUserSession(config);
      if (needsReexec(session.ca)) return await reexecWithCa(session.ca as string);
      const connection = await connectSession(session, log);
      const out = config.out ? createWriteStream(config.out, { mode: 0o600 }) : process.stdout;
      const tty = process.stderr.isTTY === true;
      try {
        const rows = await exportHistory(
          connection.request,
          session.hub,
          { device, channels, from, to, resolution: config.resolution, format: config.format },
          out,
          (p) => {
            if (tty)
              process.stderr.write(
                `\r${p.rows} rows${p.upTo ? `, up to ${new Date(p.upTo).toISOString()}` : ""}\u001b[K`,
              );
          },
        );
        if (tty) process.stderr.write("\n");
        if (config.out) {
          await finish(out);
          process.stderr.write(`${rows} rows written to ${config.out}\n`);
        }
        return 0;
      } finally {
        await connection.stop();
      }
    } catch (error) {
      if (error instanceof StanzaError && error.condition === "item-not-found") {
        process.stderr.write(`xiot export: ${error.text ?? "no such device"}\n`);
        return 1;
      }
      return reportFailure("export", error);
    }
  },
};
