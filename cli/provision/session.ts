/* How `xiot provision` and `xiot devices` log in: from a local stack's folder (`--dir`, as
 * `xiot up` leaves it: accounts.json and server/server.json) or from `--xmpp.*` flags, which win.
 * References: docs/design.md §5 (configuration layers), README (xiot up, accounts.json). */

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { ServerInfo } from "../../server/run";
import { domainSchema, logSchema, serviceSchema } from "../../shared/config/common";
import { ConfigError } from "../../shared/config/load";
import { hubJid } from "../../shared/jid";
import type { ClientConfig } from "../../shared/xmpp/client";

export const sessionSchema = {
  dir: z.string().min(1).default(".xiot"),
  xmpp: z
    .object({
      service: serviceSchema.optional(),
      domain: domainSchema.optional(),
      username: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      ca: z.string().min(1).optional(),
      allowPlaintext: z.boolean().default(false),
    })
    .prefault({}),
  hub: z.object({ jid: domainSchema.optional() }).prefault({}),
  log: logSchema,
};

const sessionObject = z.object(sessionSchema);
export type SessionInput = z.infer<typeof sessionObject>;

export interface Session {
  client: ClientConfig;
  /** The hub's JID, `hub.<domain>` unless given. */
  hub: string;
  /** PEM file of the server's private CA, if it has one. */
  ca: string | undefined;
}

/** server.json of a stack folder (`<dir>/server/server.json`) or of a server folder itself. */
function readStackServer(dir: string): ServerInfo | undefined {
  for (const file of [join(dir, "server", "server.json"), join(dir, "server.json")]) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as ServerInfo;
  }
  return undefined;
}

/** One account of a stack folder's accounts.json (`xiot up` writes the admin and the demo user). */
export function readStackAccount(
  dir: string,
  which: "admin" | "demo",
): { username: string; password: string } | undefined {
  const file = join(dir, "accounts.json");
  if (!existsSync(file)) return undefined;
  const accounts = JSON.parse(readFileSync(file, "utf8")) as Partial<
    Record<"admin" | "demo", { username: string; password: string }>
  >;
  return accounts[which];
}

export function resolveSession(input: SessionInput): Session {
  const dir = resolve(input.dir);
  const server = readStackServer(dir);
  const admin = readStackAccount(dir, "admin");
  const hint = `give it, or --dir pointing at a stack made by \`xiot up\` (looked in ${dir})`;
  const service = input.xmpp.service ?? server?.c2s;
  const domain = input.xmpp.domain ?? server?.domain;
  const username = input.xmpp.username ?? admin?.username;
  const password = input.xmpp.password ?? (input.xmpp.username === undefined ? admin?.password : undefined);
  if (!service) throw new ConfigError("xmpp.service", `required (${hint})`);
  if (!domain) throw new ConfigError("xmpp.domain", `required (${hint})`);
  if (!username) throw new ConfigError("xmpp.username", `required (${hint})`);
  if (!password) throw new ConfigError("xmpp.password", `required (${hint})`);
  return {
    client: {
      service,
      domain,
      username,
      password,
      allowPlaintext: input.xmpp.allowPlaintext,
      resource: "cli",
    },
    hub: input.hub.jid ?? server?.hub ?? hubJid(domain),
    ca: input.xmpp.ca ?? server?.ca,
  };
}
