/* `xiot devices`: the devices the logged-in user may see, with model, owner, availability, the
 * time of the last reading (the hub's <devices/> IQ, docs/provisioning.md) and its values with
 * units (the newest readings item and meta, as any subscriber reads them). Logs in as `set`,
 * `get` and `watch` do: the demo user of `--dir`, `--as admin` for its admin, or `--xmpp.*`.
 * References: XEP-0030-style listing in urn:xiot:provisioning:0, XEP-0060 §6.5.7 (newest items),
 * docs/design.md §2 (availability, readings, meta). */
import type { Element } from "@xmpp/xml";
import { z } from "zod";
import { needsReexec, reexecWithCa } from "../../shared/xmpp/ca";
import {
  type DeviceListEntry,
  makeDeviceList,
  parseDeviceList as readDeviceList,
} from "../../shared/xmpp/pubsub-discovery";
import { type Command, printReady, reportFailure, startQuietCommand } from "../command";
import { formatValues, type LatestValue, latestValues } from "../control/latest";
import { accountSchema, resolveUserSession, USER_SESSION_OPTIONS } from "../control/session";
import { connectSession } from "../provision/connect";
import { sessionSchema } from "../provision/session";

const devicesSchema = z.object({ ...sessionSchema, ...accountSchema, json: z.boolean().default(false) });

export type DeviceLine = DeviceListEntry & { values?: LatestValue[] };

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
    lastReadingCell(r),
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

/** When, then what: `2026-12-02T16:05:00.000Z  temperature 21.4 °C, relay on`. */
function lastReadingCell(row: DeviceLine): string {
  const values = row.values?.length ? formatValues(row.values) : undefined;
  if (row.lastReading === undefined) return values ?? "never";
  return values === undefined ? row.lastReading : `${row.lastReading}  ${values}`;
}

export const devicesCommand: Command = {
  name: "devices",
  summary: "List the devices you may see: model, owner, availability, last reading and its values",
  usage:
    "xiot devices [--dir .xiot [--as admin] | --xmpp.service URI --xmpp.domain D --xmpp.username U --xmpp.password P] [--json]",
  options: [...USER_SESSION_OPTIONS, { flag: "--json", description: "one JSON line with the list" }],
  async run(argv) {
    try {
      const { config, log } = startQuietCommand("devices", devicesSchema, argv);
      const session = resolveUserSession(config);
      if (needsReexec(session.ca)) return await reexecWithCa(session.ca as string);
      const connection = await connectSession(session, log);
      try {
        const answer = await connection.request(makeDeviceList(session.hub));
        const rows: DeviceLine[] = [];
        for (const row of parseDeviceList(answer)) {
          const values = await latestValues(connection.request, session.hub, row.id);
          rows.push(values.length > 0 ? { ...row, values } : row);
        }
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
