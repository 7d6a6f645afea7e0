/* Who may read and control this device: the configured `allow` list and the hub (which routes
 * commands once provisioning exists). Only the outer stanza's `from`, as the server stamped it,
 * counts: never a forwarded, carbon-copied or delayed inner address.
 * References: RFC 6120 §8.1.2.1 (the server stamps `from` on stanzas from clients), XEP-0297 and
 * XEP-0280 (forwarded and carbon-copied messages carry someone else's stanza). */

/** The bare JID of a JID string, lower-cased (`a@b/c` → `a@b`, `hub.b` → `hub.b`). */
export function bareJid(jid: string): string {
  const slash = jid.indexOf("/");
  return (slash < 0 ? jid : jid.slice(0, slash)).toLowerCase();
}

export type Authority = (from: string | undefined) => boolean;

export function createAuthority(allow: readonly string[], hub: string): Authority {
  const allowed = new Set([...allow.map(bareJid), bareJid(hub)]);
  return (from) => typeof from === "string" && from !== "" && allowed.has(bareJid(from));
}
