/* The provisioning protocol edge: IQs in urn:xiot:provisioning:0 are routed to one handler per
 * payload, found in a table keyed "<type>:<element>"; each parses, calls the device service and
 * builds the reply. Authority is the IQ's routed `from` only.
 * References: XEP-0347 §3.3 (register), §3.5 (claim, mine), §3.8 (unregister), §3.9 (disown),
 * XEP-0324 §3.2/§3.4 (canRead, canControl), RFC 6120 §8.2.3 (one reply per IQ);
 * docs/provisioning.md (the namespace and how it maps to those XEPs). */
import type { Element } from "@xmpp/xml";
import { normalizeJid } from "../../shared/jid";
import { isDeviceId } from "../../shared/model";
import { makeError } from "../../shared/xmpp/errors";
import { NS_XIOT_PROVISIONING } from "../../shared/xmpp/ns";
import type { IqContext, IqRoute } from "../iq-types";
import {
  type DeviceRow,
  type DeviceStatus,
  errorOf,
  makeClaimed,
  makeDecision,
  makeDeviceList,
  makeRegistered,
  parseMetaTags,
} from "./protocol-xml";
import type { DeviceService } from "./service";
import { fail } from "./types";

export interface ProvisioningDeps {
  devices: DeviceService;
  /** Availability and last reading of a device, for the `devices` listing. */
  status?: (deviceId: string) => Promise<DeviceStatus>;
  /** How long a device may cache an access decision (ms); default 5 minutes. */
  decisionTtlMs?: number;
}

type Handler = (iq: IqContext, deps: ProvisioningDeps) => Promise<Element | undefined>;

const attr = (el: Element, name: string): string | undefined => {
  const v = el.attrs[name];
  return typeof v === "string" ? v : undefined;
};

const badRequest = (detail: string) => errorOf(fail("bad-request", { detail }));

/** XEP-0347 §3.3: the device, from its own full JID, with its secret and tags. */
const register: Handler = async (iq, { devices }) => {
  const r = await devices.register(iq.from, {
    ...(attr(iq.child, "secret") !== undefined && { secret: attr(iq.child, "secret") }),
    meta: parseMetaTags(iq.child),
  });
  if (!r.ok) return errorOf(r);
  const jid = normalizeJid(iq.from)?.bare ?? iq.from;
  return makeRegistered({ ...r.value, jid });
};

/** XEP-0347 §3.5: a person claims a named device with its key. */
const claim: Handler = async (iq, { devices }) => {
  const device = attr(iq.child, "device");
  const key = attr(iq.child, "key");
  if (device === undefined || key === undefined) return badRequest("claim needs device and key");
  const r = await devices.claim(iq.from, device, key);
  return r.ok ? makeClaimed(r.value) : errorOf(r);
};

/** XEP-0347 §3.5.3 `mine`: the key alone names the device. */
const mine: Handler = async (iq, { devices }) => {
  const key = attr(iq.child, "key");
  if (key === undefined) return badRequest("mine needs a key");
  const r = await devices.mine(iq.from, key);
  return r.ok ? makeClaimed(r.value) : errorOf(r);
};

/** XEP-0347 §3.8: the device gives its registration up. */
const unregister: Handler = async (iq, { devices }) => {
  const r = await devices.unregister(iq.from);
  return r.ok ? undefined : errorOf(r);
};

/** XEP-0347 §3.9: the owner gives the device up. */
const disown: Handler = async (iq, { devices }) => {
  const device = attr(iq.child, "device");
  if (device === undefined) return badRequest("disown needs a device");
  const r = await devices.disown(iq.from, device);
  return r.ok ? undefined : errorOf(r);
};

/** The devices the sender may see, with owner, availability and last reading. */
const list: Handler = async (iq, { devices, status }) => {
  const r = await devices.listDevices(iq.from);
  if (!r.ok) return errorOf(r);
  const rows: DeviceRow[] = [];
  for (const listing of r.value) {
    const access = await devices.access(listing.id);
    const owner = access.ok ? access.value.owner : null;
    rows.push({ ...listing, owner, ...(await status?.(listing.id)) });
  }
  return makeDeviceList(rows);
};

/** XEP-0324 §3.2/§3.4: a device asks whether a JID may read or control it. */
const decision =
  (kind: "canRead" | "canControl"): Handler =>
  async (iq, { devices, decisionTtlMs = 300_000 }) => {
    const given = attr(iq.child, "jid");
    if (given === undefined) return badRequest(`${kind} needs a jid`);
    // RFC 6120 §8.3.3.8: a jid that does not prepare (shared/jid.ts, RFC 7622 §3).
    const jid = normalizeJid(given)?.bare;
    if (jid === undefined)
      return makeError("jid-malformed", { text: `${kind}: jid is not a JID`, lang: null });
    const local = normalizeJid(iq.from)?.local ?? "";
    if (!isDeviceId(local) || (await devices.roleOf(local, iq.from)) !== "device") {
      return errorOf(fail("forbidden", { detail: "only a device asks about its own access" }));
    }
    const allowed =
      kind === "canRead" ? await devices.canRead(local, jid) : await devices.canControl(local, jid);
    return makeDecision(kind, { deviceId: local, jid, allowed, ttlMs: decisionTtlMs });
  };

export const HANDLERS: Readonly<Record<string, Handler>> = {
  "set:register": register,
  "set:claim": claim,
  "set:mine": mine,
  "set:unregister": unregister,
  "set:disown": disown,
  "get:devices": list,
  "get:canRead": decision("canRead"),
  "get:canControl": decision("canControl"),
};

/** One IQ route per table entry. */
export function createProvisioningRoutes(deps: ProvisioningDeps): IqRoute[] {
  return Object.entries(HANDLERS).map(([key, handler]) => {
    const [type, name] = key.split(":") as ["get" | "set", string];
    return { type, ns: NS_XIOT_PROVISIONING, name, handler: (iq: IqContext) => handler(iq, deps) };
  });
}
