/* The JID codec: every address xiot builds or reads (devices, their agents, the hub), and the
 * one normalisation every JID that enters the hub goes through.
 * References: RFC 7622 §3 (localpart and domainpart compare case-insensitively; the resource
 * is case-sensitive), docs/design.md §2 (device JID `<deviceId>@<domain>`, a running agent uses
 * the resource `agent`, the hub is `hub.<domain>`). */
import { parse } from "@xmpp/jid";

export interface Jid {
  /** Normalised JID as given (full when it had a resource). */
  full: string;
  bare: string;
  local: string;
  domain: string;
  resource: string;
}

/** Parses and normalises a JID; undefined when it is not a valid address. */
export function normalizeJid(input: string | undefined): Jid | undefined {
  if (input === undefined || input === "" || input.length > 3071) return undefined;
  // RFC 7622 §3.3.1: these may not appear in a localpart (the library would silently escape them).
  if (/[\s"&'<>:]/.test(bareOf(input))) return undefined;
  try {
    const j = parse(input);
    const local = j.getLocal();
    const domain = j.getDomain();
    if (domain === "" || /[\s@/]/.test(domain) || (input.includes("@") && local === "")) return undefined;
    const bare = local ? `${local}@${domain}` : domain;
    const resource = j.getResource();
    return { full: resource ? `${bare}/${resource}` : bare, bare, local, domain, resource };
  } catch {
    // @xmpp/jid throws TypeError on an empty domain: that is an invalid address, not a bug.
    return undefined;
  }
}

export const bareOf = (jid: string): string => {
  const slash = jid.indexOf("/");
  return slash < 0 ? jid : jid.slice(0, slash);
};

/** docs/design.md §2: the resource a running agent binds. */
export const AGENT_RESOURCE = "agent";

/** The device's account: `<deviceId>@<domain>`. */
export const deviceJid = (deviceId: string, domain: string): string => `${deviceId}@${domain}`;

/** The running agent of a device: `<deviceId>@<domain>/agent`. */
export const agentJid = (deviceId: string, domain: string): string =>
  `${deviceJid(deviceId, domain)}/${AGENT_RESOURCE}`;

/** The hub's component address for a users' domain: `hub.<domain>`. */
export const hubJid = (domain: string): string => `hub.${domain}`;
