/* Who may read and control this device: the configured `allow` list and the hub (which routes
 * commands for people it has authorised) always; anyone else as the hub decides, asked once and
 * cached for the lifetime the hub gives (XEP-0324-style canRead/canControl), and forgotten at once
 * when the hub says access was revoked. Only the outer stanza's `from`, as the server stamped it,
 * counts: never a forwarded, carbon-copied or delayed inner address.
 * References: RFC 6120 §8.1.2.1 (the server stamps `from`), XEP-0297 and XEP-0280 (forwarded and
 * carbon-copied messages carry someone else's stanza), XEP-0324 §3.2–3.6 (decisions, clearing
 * the cache), docs/provisioning.md (urn:xiot:provisioning:0 as the hub implements it). */

import xml, { type Element } from "@xmpp/xml";
import { normalizeJid } from "../../shared/jid";
import type { Logger } from "../../shared/log";
import { NS_XIOT_PROVISIONING } from "../../shared/xmpp/ns";

/** The bare JID of a JID string, prepared as the hub prepares it (`A@B/c` → `a@b`, `hub.b` →
 * `hub.b`); "" for a string that is no JID, which matches nobody. */
export function bareJid(jid: string): string {
  return normalizeJid(jid)?.bare ?? "";
}

export interface Authority {
  mayRead(from: string | undefined): Promise<boolean>;
  mayControl(from: string | undefined): Promise<boolean>;
  /** A `<revoked/>` message from the hub: forget what it revokes; a `<granted/>` one: pass it on.
   * True when it was one. */
  onMessage(stanza: Element): boolean;
}

export interface AuthorityOptions {
  allow: readonly string[];
  hub: string;
  /** Asks the hub (an IQ get); absent for a device the hub does not manage. */
  request?: (iq: Element) => Promise<Element>;
  log?: Logger;
  now?: () => number;
  /** Told of every revocation the hub pushes: who, and what is left to them. */
  onRevoked?: (jid: string, left: "read" | "none") => void;
  /** Told of every grant the hub pushes: who gained access. */
  onGranted?: (jid: string) => void;
}

type Kind = "canRead" | "canControl";

export function createAuthority({
  allow,
  hub,
  request,
  log,
  now = Date.now,
  onRevoked,
  onGranted,
}: AuthorityOptions): Authority {
  const hubBare = bareJid(hub);
  const allowed = new Set([...allow.map(bareJid), hubBare]);
  const cache = new Map<string, { result: boolean; until: number }>();

  async function decide(kind: Kind, from: string | undefined): Promise<boolean> {
    if (typeof from !== "string" || from === "") return false;
    const who = bareJid(from);
    if (allowed.has(who)) return true;
    if (!request) return false;
    const key = `${kind} ${who}`;
    const cached = cache.get(key);
    if (cached && cached.until > now()) return cached.result;
    try {
      const answer = await request(
        xml("iq", { type: "get", to: hub }, xml(kind, { xmlns: NS_XIOT_PROVISIONING, jid: who })),
      );
      const response = answer.getChild(`${kind}Response`, NS_XIOT_PROVISIONING);
      const result = response?.attrs.result === "true";
      const ttl = Number(response?.attrs.ttl);
      if (Number.isFinite(ttl) && ttl > 0) cache.set(key, { result, until: now() + ttl });
      return result;
    } catch (error) {
      // Why deny: no answer from the hub is no permission; the person can try again.
      log?.warn({ err: error, jid: who }, `could not ask the hub (${kind}); refusing`);
      return false;
    }
  }

  return {
    mayRead: (from) => decide("canRead", from),
    mayControl: (from) => decide("canControl", from),
    onMessage(stanza) {
      if (stanza.attrs.from === undefined || bareJid(String(stanza.attrs.from)) !== hubBare) return false;
      const granted = stanza.getChild("granted", NS_XIOT_PROVISIONING);
      if (granted) {
        const jid = bareJid(String(granted.attrs.jid ?? ""));
        if (jid !== "") onGranted?.(jid);
        return true;
      }
      const revoked = stanza.getChild("revoked", NS_XIOT_PROVISIONING);
      if (!revoked) return false;
      const jid = bareJid(String(revoked.attrs.jid ?? ""));
      cache.delete(`canControl ${jid}`);
      if (revoked.attrs.left !== "read") cache.delete(`canRead ${jid}`);
      log?.info({ jid, left: revoked.attrs.left }, "access revoked by the hub");
      onRevoked?.(jid, revoked.attrs.left === "read" ? "read" : "none");
      return true;
    },
  };
}
