/* What every part of the device service shares: dependencies, JIDs, lookups, audit, events. */
import { randomBytes } from "node:crypto";
import { hubJid, normalizeJid } from "../../shared/jid";
import { isDeviceId } from "../../shared/model";
import { type DeviceNodes, nodeList } from "./nodes";
import type { DeviceStore } from "./store";
import {
  type AuditEntry,
  type Clock,
  DEFAULT_LOCKOUT,
  type DeviceRecord,
  fail,
  type GrantEvent,
  type GrantListener,
  type LockoutPolicy,
  ok,
  type RandomSource,
  type Result,
  type RevocationEvent,
} from "./types";

export interface DeviceServiceConfig {
  /** The users' domain: device JIDs are `<id>@<domain>`. */
  domain: string;
  /** The hub's JID; default `hub.<domain>`. */
  hubJid?: string;
  /** Bare JIDs that may provision devices and read or control every device (`hub.admins`). */
  admins: string[];
  lockout?: Partial<LockoutPolicy>;
}

export interface DeviceServiceDeps {
  store: DeviceStore;
  nodes: DeviceNodes;
  clock: Clock;
  config: DeviceServiceConfig;
  /** Default: crypto.randomBytes. */
  random?: RandomSource;
}

export type RevocationListener = (event: RevocationEvent) => void;

export interface DeviceContext {
  store: DeviceStore;
  nodes: DeviceNodes;
  clock: Clock;
  random: RandomSource;
  domain: string;
  hubJid: string;
  admins: ReadonlySet<string>;
  lockout: LockoutPolicy;
  listeners: Set<RevocationListener>;
  grantListeners: Set<GrantListener>;
}

export function createDeviceContext(deps: DeviceServiceDeps): DeviceContext {
  const domain = deps.config.domain.toLowerCase();
  return {
    store: deps.store,
    nodes: deps.nodes,
    clock: deps.clock,
    random: deps.random ?? ((n) => randomBytes(n)),
    domain,
    hubJid: (deps.config.hubJid ?? hubJid(domain)).toLowerCase(),
    admins: new Set(deps.config.admins.map((a) => normalizeJid(a)?.bare ?? a)),
    lockout: { ...DEFAULT_LOCKOUT, ...deps.config.lockout },
    listeners: new Set(),
    grantListeners: new Set(),
  };
}

/** The bare JID of an actor (full JIDs are reduced; local and domain parts lower-cased). */
export function bareOf(jid: string): Result<string> {
  const parsed = normalizeJid(jid);
  return parsed
    ? ok(parsed.bare)
    : fail("jid-malformed", { detail: `not a JID: ${JSON.stringify(jid.slice(0, 64))}` });
}

/** The full JID (normalised) of a sender. */
export function fullOf(jid: string): Result<string> {
  const parsed = normalizeJid(jid);
  return parsed
    ? ok(parsed.full)
    : fail("jid-malformed", { detail: `not a JID: ${JSON.stringify(jid.slice(0, 64))}` });
}

export const deviceJid = (ctx: DeviceContext, id: string): string => `${id}@${ctx.domain}`;

/** A device by id: `bad-request` for an invalid id, `item-not-found` for an unknown one. */
export async function loadDevice(ctx: DeviceContext, id: string): Promise<Result<DeviceRecord>> {
  if (!isDeviceId(id)) return fail("bad-request", { detail: `not a device id: ${String(id).slice(0, 64)}` });
  const device = await ctx.store.getDevice(id);
  return device ? ok(device) : fail("item-not-found", { detail: id });
}

/** A device the actor owns; `forbidden` for anyone else. */
export async function ownedDevice(
  ctx: DeviceContext,
  actor: string,
  id: string,
): Promise<Result<DeviceRecord>> {
  const device = await loadDevice(ctx, id);
  if (!device.ok) return device;
  return device.value.owner === actor ? device : fail("forbidden", { detail: id });
}

export async function audit(ctx: DeviceContext, entry: Omit<AuditEntry, "time">): Promise<void> {
  await ctx.store.appendAudit({ time: ctx.clock.now(), ...entry });
}

/** Makes a JID a member of every node of a device, or removes it (`none`). */
export async function setNodeAccess(
  ctx: DeviceContext,
  deviceId: string,
  jid: string,
  affiliation: "member" | "none",
): Promise<void> {
  for (const node of nodeList(deviceId)) await ctx.nodes.setAffiliation(node, jid, affiliation);
}

export function emitRevoked(ctx: DeviceContext, event: RevocationEvent): void {
  for (const listener of ctx.listeners) listener(event);
}

export function emitGranted(ctx: DeviceContext, event: GrantEvent): void {
  for (const listener of ctx.grantListeners) listener(event);
}
