/* `xiot devices`: the devices the logged-in user may see, with model, owner, availability and
 * the time of the last reading (the hub's <devices/> IQ, docs/provisioning.md).
 * References: XEP-0030-style listing in urn:xiot:provisioning:0, docs/design.md §2 (availability). */
import type { Element } from "@xmpp/xml";
import { z } from "zod";
import { needsReexec, reexecWithCa } from "../../shared/xmpp/ca";
import {
  type DeviceListEntry,
  makeDeviceList,
  parseDeviceList as readDeviceList,
} from "../../shared/xmpp/pubsub-discovery";
import { type Command, printReady, reportFailure, startCommand } from "../command";
import { connectSession } from "../provision/connect";
import { resolveSession, sessionSchema } from "../provision/session";

const devicesSchema = z.object({ ...sessionSchema, json: z.boolean().default(false) });

export type DeviceLine = DeviceListEntry;

/** The hub's device list; an answer without one is an error. */
export function parseDeviceList(answer: Element): DeviceLine[] {
  const rows = readDeviceList(answer);
  if (!rows) throw new Error("the hub's answer carries no device list");
  return rows;
}

/** A plain table, one device per line. */
export function formatDeviceTable(rows: DeviceLine[]): string {
  if (rows.length === 0) return "No devices.\n";
  const header = ["DEVICE", "MODEL", "OWNER", "AVAILABILITY", "SINCE", "LAST READING", "YOU"];
  const cells = rows.map((r) => [
    r.id,
    r.model,
    r.owner ?? "-",
    r.availability ?? "unknown",
    r.since ?? "-",
    r.lastReading ?? "never",
    r.role,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...cells.map(line)].join("\n")}\n`;
}

export const devicesCommand: Command = {
  name: "devices",
  summary: "List the devices you may see: model, owner, availability, last reading",
  usage:
    "xiot devices [--dir .xiot | --xmpp.service URI --xmpp.domain D --xmpp.username U --xmpp.password P] [--json]",
  options: [
    { flag: "--dir DIR", description: "a stack made by `xiot up`: log in as its admin (default .xiot)" },
    { flag: "--xmpp.service URI", description: "client listener, e.g. xmpp://127.0.0.1:5222" },
    { flag: "--xmpp.domain D", description: "the XMPP domain" },
    { flag: "--xmpp.username U", description: "your account" },
    { flag: "--xmpp.password P", description: "its password" },
    { flag: "--xmpp.ca FILE", description: "the server's private CA" },
    { flag: "--hub.jid JID", description: "the hub (default hub.<domain>)" },
    { flag: "--json", description: "one JSON line with the list" },
  ],
  async run(argv) {
    try {
      const { config, log } = startCommand("devices", devicesSchema, argv);
      const session = resolveSession(config);
      if (needsReexec(session.ca)) return await reexecWithCa(session.ca as string);
      const connection = await connectSession(session, log);
      try {
        const answer = await connection.request(makeDeviceList(session.hub));
        const rows = parseDeviceList(answer);
        if (config.json) printReady({ ready: true, devices: rows });
        else process.stdout.write(formatDeviceTable(rows));
      } finally {
        await connection.stop();
      }
      return 0;
    } catch (error) {
      return reportFailure("devices", error);
    }
  },
};
