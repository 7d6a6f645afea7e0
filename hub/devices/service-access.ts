/* Sharing, disowning, listings and access decisions.
 * References: XEP-0324 §3 (read and control permissions decided by the owner's side;
 * deferred, used as a guide), XEP-0347 §3.9 (disowning), XEP-0060 §4.1 (affiliations).
 *
 * Who may do what with a device: owner, control share, admins and the device itself may read
 * and control; a read share may read. Owners and shares are PubSub members of the device's
 * nodes; removing access sets their affiliation to none and emits a revocation event. */
import {
  audit,
  bareOf,
  type DeviceContext,
  deviceJid,
  emitGranted,
  emitRevoked,
  loadDevice,
  ownedDevice,
  setNodeAccess,
} from "./context";
import { fail, ok, type ProvisioningState, type Result, type ShareLevel, type ShareRecord } from "./types";

export type DeviceRole = "admin" | "device" | "owner" | "control" | "read" | "none";

export interface DeviceListing {
  id: string;
  model: string;
  state: ProvisioningState;
  role: Exclude<DeviceRole, "none" | "device">;
}

export interface DeviceAccess {
  deviceId: string;
  owner: string | null;
  shares: ShareRecord[];
}

const CONTROLS: ReadonlySet<DeviceRole> = new Set(["admin", "device", "owner", "control"]);

export function createAccessOps(ctx: DeviceContext) {
  async function share(
    ownerJid: string,
    deviceId: string,
    jid: string,
    level: ShareLevel,
  ): Promise<Result<ShareRecord>> {
    const owner = bareOf(ownerJid);
    if (!owner.ok) return owner;
    const target = bareOf(jid);
    if (!target.ok) return target;
    if (level !== "read" && level !== "control")
      return fail("bad-request", { detail: "level is read or control" });
    const device = await ownedDevice(ctx, owner.value, deviceId);
    if (!device.ok) return device;
    if (target.value === owner.value || target.value === deviceJid(ctx, deviceId)) {
      return fail("bad-request", { detail: "cannot share a device with its owner or itself" });
    }
    const record = { device: deviceId, jid: target.value, level };
    const before = (await ctx.store.sharesOf(deviceId)).find((s) => s.jid === target.value);
    if (before?.level === level) return ok(record);
    await ctx.store.putShare(record);
    await setNodeAccess(ctx, deviceId, target.value, "member");
    await audit(ctx, {
      device: deviceId,
      actor: owner.value,
      action: "share",
      outcome: "ok",
      detail: `${target.value} ${level}`,
    });
    if (before?.level === "control") emitRevoked(ctx, { deviceId, jid: target.value, left: "read" });
    if (before === undefined) emitGranted(ctx, { deviceId, jid: target.value, level });
    return ok(record);
  }

  async function unshare(ownerJid: string, deviceId: string, jid: string): Promise<Result<void>> {
    const owner = bareOf(ownerJid);
    if (!owner.ok) return owner;
    const target = bareOf(jid);
    if (!target.ok) return target;
    const device = await ownedDevice(ctx, owner.value, deviceId);
    if (!device.ok) return device;
    if (!(await ctx.store.removeShare(deviceId, target.value))) {
      return fail("item-not-found", { detail: `${deviceId} is not shared with ${target.value}` });
    }
    await setNodeAccess(ctx, deviceId, target.value, "none");
    await audit(ctx, {
      device: deviceId,
      actor: owner.value,
      action: "unshare",
      outcome: "ok",
      detail: target.value,
    });
    emitRevoked(ctx, { deviceId, jid: target.value, left: "none" });
    return ok(undefined);
  }

  /** The owner gives the device up; every share ends with it. The device needs a new claim key
   * (reissueKey) before anyone can claim it again. */
  async function disown(ownerJid: string, deviceId: string): Promise<Result<void>> {
    const owner = bareOf(ownerJid);
    if (!owner.ok) return owner;
    const device = await ownedDevice(ctx, owner.value, deviceId);
    if (!device.ok) return device;
    if (
      !(await ctx.store.updateDevice(deviceId, { owner: owner.value }, { owner: null, claimKeyHash: null }))
    ) {
      return fail("forbidden", { detail: deviceId });
    }
    const removed = await ctx.store.clearShares(deviceId);
    const revoked = [owner.value, ...removed.map((s) => s.jid)];
    for (const jid of revoked) await setNodeAccess(ctx, deviceId, jid, "none");
    await audit(ctx, {
      device: deviceId,
      actor: owner.value,
      action: "disown",
      outcome: "ok",
      detail: `${removed.length} shares ended`,
    });
    for (const jid of revoked) emitRevoked(ctx, { deviceId, jid, left: "none" });
    return ok(undefined);
  }

  /** What a JID is to a device (unknown devices: none, even for admins). */
  async function roleOf(deviceId: string, jid: string): Promise<DeviceRole> {
    const who = bareOf(jid);
    if (!who.ok) return "none";
    const device = await loadDevice(ctx, deviceId);
    if (!device.ok) return "none";
    if (ctx.admins.has(who.value)) return "admin";
    if (who.value === deviceJid(ctx, deviceId)) return "device";
    if (device.value.owner === who.value) return "owner";
    const found = (await ctx.store.sharesOf(deviceId)).find((s) => s.jid === who.value);
    return found?.level ?? "none";
  }

  /** Bare JIDs that may read the device now (owner, shares, the device itself, admins): the
   * registry's part of the one access rule (hub/access/rule.ts); undefined for unknown devices. */
  async function readers(deviceId: string): Promise<ReadonlySet<string> | undefined> {
    const device = await loadDevice(ctx, deviceId);
    if (!device.ok) return undefined;
    const out = new Set<string>([...ctx.admins, deviceJid(ctx, deviceId)]);
    if (device.value.owner) out.add(device.value.owner);
    for (const s of await ctx.store.sharesOf(deviceId)) out.add(s.jid);
    return out;
  }

  /** Devices a JID owns or has been shared; admins see every device. */
  async function listDevices(jid: string): Promise<Result<DeviceListing[]>> {
    const who = bareOf(jid);
    if (!who.ok) return who;
    const all = await ctx.store.listDevices();
    if (ctx.admins.has(who.value)) {
      return ok(all.map((d) => ({ id: d.id, model: d.model, state: d.state, role: "admin" as const })));
    }
    const shared = new Map((await ctx.store.sharesFor(who.value)).map((s) => [s.device, s.level]));
    const out: DeviceListing[] = [];
    for (const d of all) {
      const role = d.owner === who.value ? "owner" : shared.get(d.id);
      if (role) out.push({ id: d.id, model: d.model, state: d.state, role });
    }
    return ok(out);
  }

  async function listOwned(jid: string): Promise<Result<string[]>> {
    const who = bareOf(jid);
    if (!who.ok) return who;
    return ok((await ctx.store.devicesOwnedBy(who.value)).map((d) => d.id));
  }

  /** Who has what on a device. No permission check: callers decide who may see this. */
  async function access(deviceId: string): Promise<Result<DeviceAccess>> {
    const device = await loadDevice(ctx, deviceId);
    if (!device.ok) return device;
    return ok({ deviceId, owner: device.value.owner, shares: await ctx.store.sharesOf(deviceId) });
  }

  return {
    share,
    unshare,
    disown,
    roleOf,
    readers,
    listDevices,
    listOwned,
    access,
    canRead: async (deviceId: string, jid: string) => (await roleOf(deviceId, jid)) !== "none",
    canControl: async (deviceId: string, jid: string) => CONTROLS.has(await roleOf(deviceId, jid)),
  };
}
