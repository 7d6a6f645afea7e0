/* How `xiot set` and `xiot get` log in: as a person, not as the admin. From `--dir` (a stack
 * made by `xiot up`: the demo user in accounts.json, the server in server/server.json) or from
 * `--xmpp.*` flags, which win.
 * References: README (xiot up, accounts.json), docs/design.md §5 (configuration layers). */
import { resolve } from "node:path";
import { readStackAccount, resolveSession, type Session, type SessionInput } from "../provision/session";

/** The session of the stack's demo user unless an account is given with --xmpp.username. */
export function resolveUserSession(input: SessionInput): Session {
  if (input.xmpp.username !== undefined) return resolveSession(input);
  const demo = readStackAccount(resolve(input.dir), "demo");
  if (!demo) return resolveSession(input);
  return resolveSession({
    ...input,
    xmpp: { ...input.xmpp, username: demo.username, password: input.xmpp.password ?? demo.password },
  });
}

/** Leading words before the first flag: `xiot set kitchen-1 relay on --dir x`. */
export function splitPositional(argv: string[]): { words: string[]; flags: string[] } {
  const at = argv.findIndex((a) => a.startsWith("-"));
  return at < 0 ? { words: argv, flags: [] } : { words: argv.slice(0, at), flags: argv.slice(at) };
}
