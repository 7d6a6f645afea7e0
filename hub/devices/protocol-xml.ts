/* Payloads of the provisioning namespace (urn:xiot:provisioning:0): readers for what devices
 * and people send, builders for the hub's answers and pushes. docs/provisioning.md has the
 * grammar and how it maps to the retracted XEP-0347 and the deferred XEP-0324.
 * References: XEP-0347 §3.3 (meta tags as <str/> and <num/>), XEP-0324 §3.2 (canRead and its
 * response), docs/design.md §2 (node names); RFC 6120 §8.3.2 and §8.3.3.12 (a refusal's
 * <error/>, its <text/>; policy-violation with `wait` for a lockout, from shared/xmpp/errors.ts). */
import xml, { type Element } from "@xmpp/xml";
import { makeError } from "../../shared/xmpp/errors";
import { NS_XIOT_PROVISIONING } from "../../shared/xmpp/ns";
import type { DeviceNodeNames } from "./nodes";
import type { DeviceListing } from "./service-access";
import type { Fail } from "./types";

/** What `xiot devices` shows beside the registry's own fields. */
export interface DeviceStatus {
  availability?: string;
  /** ms since the epoch of the last availability change. */
  since?: number;
  /** ms since the epoch of the newest readings item. */
  lastReading?: number;
}

export interface DeviceRow extends DeviceListing, DeviceStatus {
  owner: string | null;
}

const TAG_NAMES: ReadonlySet<string> = new Set(["str", "num"]);

/** XEP-0347-style tags: `<str name value/>` and `<num name value/>` children; values as text. */
export function parseMetaTags(parent: Element): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const child of parent.getChildElements()) {
    if (!TAG_NAMES.has(child.name)) continue;
    const name = child.attrs.name as string | undefined;
    if (name === undefined) continue;
    meta[name] = child.attrs.value;
  }
  return meta;
}

export const makeNodes = (nodes: DeviceNodeNames): Element[] =>
  Object.entries(nodes).map(([kind, name]) => xml("node", { kind, name }));

/** The answer to `register`: the device's bare JID, its nodes and its owner, if claimed. */
export function makeRegistered(r: {
  deviceId: string;
  jid: string;
  nodes: DeviceNodeNames;
  owner: string | null;
}): Element {
  const attrs: Record<string, string> = { xmlns: NS_XIOT_PROVISIONING, device: r.deviceId, jid: r.jid };
  if (r.owner !== null) attrs.owner = r.owner;
  return xml("registered", attrs, ...makeNodes(r.nodes));
}

export function makeClaimed(r: { deviceId: string; nodes: DeviceNodeNames; alreadyOwner: boolean }): Element {
  const attrs: Record<string, string> = { xmlns: NS_XIOT_PROVISIONING, device: r.deviceId };
  if (r.alreadyOwner) attrs.already = "true";
  return xml("claimed", attrs, ...makeNodes(r.nodes));
}

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

export function makeDeviceList(rows: DeviceRow[]): Element {
  return xml(
    "devices",
    { xmlns: NS_XIOT_PROVISIONING },
    ...rows.map((row) =>
      xml("device", {
        id: row.id,
        model: row.model,
        state: row.state,
        role: row.role,
        owner: row.owner ?? undefined,
        availability: row.availability,
        since: iso(row.since),
        "last-reading": iso(row.lastReading),
      }),
    ),
  );
}

/** XEP-0324 §3.2-style answer: `result` is the decision, `ttl` how long the device may cache it. */
export function makeDecision(
  kind: "canRead" | "canControl",
  r: { deviceId: string; jid: string; allowed: boolean; ttlMs: number },
): Element {
  return xml(`${kind}Response`, {
    xmlns: NS_XIOT_PROVISIONING,
    device: r.deviceId,
    jid: r.jid,
    result: String(r.allowed),
    ttl: String(r.ttlMs),
  });
}

/** The hub's push to a device when a JID lost access (the device drops its cached decision). */
export function makeRevokedMessage(r: {
  from: string;
  to: string;
  deviceId: string;
  jid: string;
  left: "read" | "none";
}): Element {
  return xml(
    "message",
    { from: r.from, to: r.to, type: "normal" },
    xml("revoked", { xmlns: NS_XIOT_PROVISIONING, device: r.deviceId, jid: r.jid, left: r.left }),
  );
}

/** The hub's push to a device when a JID gained access (the device offers itself as a contact). */
export function makeGrantedMessage(r: {
  from: string;
  to: string;
  deviceId: string;
  jid: string;
  level: "owner" | "read" | "control";
}): Element {
  return xml(
    "message",
    { from: r.from, to: r.to, type: "normal" },
    xml("granted", { xmlns: NS_XIOT_PROVISIONING, device: r.deviceId, jid: r.jid, level: r.level }),
  );
}

/** The `<error/>` of a refused request: the text carries the detail and the retry time (without
 * xml:lang, as the registry has always sent it). */
export function errorOf(failure: Fail): Element {
  const retry = failure.retryAt === undefined ? "" : `retry after ${new Date(failure.retryAt).toISOString()}`;
  const text = [failure.detail, retry].filter(Boolean).join("; ");
  return makeError(failure.error, text ? { text, lang: null } : {});
}
