/* Provisioning by an admin, first-boot registration by the device, and re-issuing a claim key.
 * References: XEP-0347 §3.3 (registration; retracted, used as a guide), RFC 5122 §2 and
 * XEP-0147 (the `message` query action of xmpp: URIs), docs/design.md §2 (ids and nodes).
 *
 * Claim URI: `xmpp:<hub>?message;body=claim%20<id>%20<key>`. Opened in an XMPP client it
 * prepares a chat message to the hub with the text `claim <id> <key>`, the chat command that
 * claims the device (hub/chat). It can be printed as a QR code on the device's label. */
import { isDeviceId } from "../../shared/model";
import { audit, bareOf, type DeviceContext, deviceJid, fullOf, loadDevice } from "./context";
import { validateMeta } from "./meta";
import { type DeviceNodeNames, nodesOf } from "./nodes";
import { hashSecret, newSecret, sameHash } from "./secrets";
import { type DeviceRecord, fail, ok, type Result } from "./types";

export interface ProvisionRequest {
  id: string;
  model: string;
}

/** Everything a device bundle needs; the claim key and the secret are shown only here. */
export interface ProvisionBundle {
  deviceId: string;
  /** The device's bare JID. */
  jid: string;
  hub: string;
  model: string;
  nodes: DeviceNodeNames;
  /** For the person who will own the device (label, QR code). */
  claimKey: string;
  claimUri: string;
  /** For the device only: ties its first-boot registration to this provisioning. */
  registrationSecret: string;
}

export interface RegistrationRequest {
  secret?: string;
  meta: Record<string, unknown>;
}

export interface Registration {
  deviceId: string;
  nodes: DeviceNodeNames;
  owner: string | null;
}

const MODEL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const claimUri = (hub: string, id: string, key: string): string =>
  `xmpp:${hub}?message;body=${encodeURIComponent(`claim ${id} ${key}`)}`;

export function createProvisionOps(ctx: DeviceContext) {
  const isAdmin = (bare: string) => ctx.admins.has(bare);

  async function provision(actorJid: string, request: ProvisionRequest): Promise<Result<ProvisionBundle>> {
    const actor = bareOf(actorJid);
    if (!actor.ok) return actor;
    if (!isAdmin(actor.value)) return fail("forbidden", { detail: "only admins provision devices" });
    const { id, model } = request;
    if (!isDeviceId(id))
      return fail("bad-request", { detail: `not a device id: ${String(id).slice(0, 64)}` });
    if (typeof model !== "string" || !MODEL_RE.test(model))
      return fail("bad-request", { detail: "bad model name" });
    if (await ctx.store.getDevice(id)) return fail("conflict", { detail: id });
    const claimKey = newSecret(ctx.random);
    const registrationSecret = newSecret(ctx.random);
    const record: DeviceRecord = {
      id,
      model,
      createdBy: actor.value,
      createdAt: ctx.clock.now(),
      state: "provisioned",
      secretHash: hashSecret(registrationSecret),
      claimKeyHash: hashSecret(claimKey),
      owner: null,
      meta: null,
      registeredJid: null,
      registeredAt: null,
    };
    // Nodes first: ensureNodes is idempotent, so a failure here leaves nothing half-made.
    await ctx.nodes.ensureNodes(id);
    if (!(await ctx.store.createDevice(record))) return fail("conflict", { detail: id });
    await audit(ctx, { device: id, actor: actor.value, action: "provision", outcome: "ok", detail: model });
    return ok({
      deviceId: id,
      jid: deviceJid(ctx, id),
      hub: ctx.hubJid,
      model,
      nodes: nodesOf(id),
      claimKey,
      claimUri: claimUri(ctx.hubJid, id, claimKey),
      registrationSecret,
    });
  }

  /** A new claim key for a device nobody owns (the old one stops working). Admins only. */
  async function reissueKey(
    actorJid: string,
    id: string,
  ): Promise<Result<{ claimKey: string; claimUri: string }>> {
    const actor = bareOf(actorJid);
    if (!actor.ok) return actor;
    if (!isAdmin(actor.value)) return fail("forbidden", { detail: "only admins issue claim keys" });
    const device = await loadDevice(ctx, id);
    if (!device.ok) return device;
    if (device.value.owner !== null) return fail("conflict", { detail: `${id} has an owner` });
    const claimKey = newSecret(ctx.random);
    if (!(await ctx.store.updateDevice(id, { owner: null }, { claimKeyHash: hashSecret(claimKey) }))) {
      return fail("conflict", { detail: `${id} has an owner` });
    }
    await audit(ctx, {
      device: id,
      actor: actor.value,
      action: "reissue",
      outcome: "ok",
      detail: "new claim key",
    });
    return ok({ claimKey, claimUri: claimUri(ctx.hubJid, id, claimKey) });
  }

  /** The device a registering JID stands for: its localpart is the device id. */
  async function identify(fromFullJid: string): Promise<Result<{ full: string; device: DeviceRecord }>> {
    const from = bareOf(fromFullJid);
    if (!from.ok) return from;
    const full = fullOf(fromFullJid);
    if (!full.ok) return full;
    const [local, domain] = from.value.split("@") as [string, string | undefined];
    if (domain !== ctx.domain || !isDeviceId(local))
      return fail("item-not-found", { detail: "not a device JID" });
    const device = await ctx.store.getDevice(local);
    return device ? ok({ full: full.value, device }) : fail("item-not-found", { detail: local });
  }

  async function refuse(id: string, full: string, error: "conflict" | "not-authorized", detail: string) {
    await audit(ctx, { device: id, actor: full, action: "register", outcome: error, detail });
    return fail(error, { detail });
  }

  /** XEP-0347 §3.3: first boot. Idempotent for the same JID, secret and tags. */
  async function register(fromFullJid: string, request: RegistrationRequest): Promise<Result<Registration>> {
    const who = await identify(fromFullJid);
    if (!who.ok) return who;
    const { full, device } = who.value;
    const meta = validateMeta(request.meta ?? {});
    if (!meta.ok) return meta;
    const secretOk = request.secret !== undefined && sameHash(device.secretHash, hashSecret(request.secret));
    if (device.state === "registered") {
      if (!secretOk || device.registeredJid !== full)
        return refuse(device.id, full, "conflict", "already registered");
      if (sameMeta(device.meta, meta.value)) return ok(registration(device));
      return updateMeta(device, full, meta.value);
    }
    if (!secretOk) return refuse(device.id, full, "not-authorized", "wrong or missing registration secret");
    const patch = {
      state: "registered" as const,
      meta: meta.value,
      registeredJid: full,
      registeredAt: ctx.clock.now(),
    };
    if (!(await ctx.store.updateDevice(device.id, { state: "provisioned" }, patch))) {
      return refuse(device.id, full, "conflict", "registered meanwhile");
    }
    await audit(ctx, {
      device: device.id,
      actor: full,
      action: "register",
      outcome: "ok",
      detail: "registered",
    });
    return ok(registration({ ...device, ...patch }));
  }

  /** The registered device re-registers with new tags (for example after a firmware update). */
  async function updateMeta(device: DeviceRecord, full: string, meta: Record<string, string>) {
    await ctx.store.updateDevice(device.id, { state: "registered" }, { meta });
    await audit(ctx, {
      device: device.id,
      actor: full,
      action: "register",
      outcome: "ok",
      detail: "meta updated",
    });
    return ok(registration({ ...device, meta }));
  }

  return { provision, reissueKey, register };
}

const registration = (d: DeviceRecord): Registration => ({
  deviceId: d.id,
  nodes: nodesOf(d.id),
  owner: d.owner,
});

function sameMeta(a: Record<string, string> | null, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b).length && ka.every((k) => a?.[k] === b[k]);
}
