/* How `xiot set`, `get`, `watch` and `devices` log in: as a person, not as the admin. From `--dir`
 * (a stack made by `xiot up`: the demo user in accounts.json, or the account `--as` names; the
 * server in server/server.json) or from `--xmpp.*` flags, which win.
 * References: README (xiot up, accounts.json), docs/design.md §5 (configuration layers). */
import { resolve } from "node:path";
import { z } from "zod";
import { readStackAccount, resolveSession, type Session, type SessionInput } from "../provision/session";

/** `--as`: which account of <dir>/accounts.json to log in as. */
export const accountSchema = { as: z.enum(["demo", "admin"]).default("demo") };

/** The options of every command that logs in as a person. */
export const USER_SESSION_OPTIONS = [
  { flag: "--dir DIR", description: "a stack made by `xiot up`: log in as its demo user (default .xiot)" },
  { flag: "--as ACCOUNT", description: "with --dir, the account of accounts.json: demo (default) or admin" },
  { flag: "--xmpp.service URI", description: "client listener, e.g. xmpp://127.0.0.1:5222" },
  { flag: "--xmpp.domain D", description: "the XMPP domain" },
  { flag: "--xmpp.username U", description: "your account" },
  { flag: "--xmpp.password P", description: "its password" },
  { flag: "--xmpp.ca FILE", description: "the server's private CA" },
  { flag: "--hub.jid JID", description: "the hub (default hub.<domain>)" },
  { flag: "--log.level L", description: "log more (info, debug); by default only warnings and errors" },
];

/** The session of the stack's `as` account (demo by default) unless one is given with
 * --xmpp.username; a folder without that account falls back to its admin. */
export function resolveUserSession(input: SessionInput & { as?: "demo" | "admin" }): Session {
  if (input.xmpp.username !== undefined) return resolveSession(input);
  const account = readStackAccount(resolve(input.dir), input.as ?? "demo");
  if (!account) return resolveSession(input);
  return resolveSession({
    ...input,
    xmpp: { ...input.xmpp, username: account.username, password: input.xmpp.password ?? account.password },
  });
}

/** Leading words before the first flag: `xiot set kitchen-1 relay on --dir x`. */
export function splitPositional(argv: string[]): { words: string[]; flags: string[] } {
  const at = argv.findIndex((a) => a.startsWith("-"));
  return at < 0 ? { words: argv, flags: [] } : { words: argv.slice(0, at), flags: argv.slice(at) };
}
