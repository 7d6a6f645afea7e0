/* Claiming a device with its key, with per-claimant and per-device lockout.
 * References: XEP-0347 §3.5 (claim ownership of public things), §3.5.3 (`mine` with the key
 * alone; retracted, used as a guide), OWASP Authentication Cheat Sheet (account lockout).
 *
 * Order of checks: a locked claimant or device is refused before any key is looked at; then
 * the key hash is compared in constant time. A wrong key, a used key and an unknown device all
 * count as failures of the claimant (and of the device, when it exists). Success makes the
 * claimant the owner and erases the key hash in one compare-and-set, so a key works once.
 * Claims run one at a time (a serial queue), so parallel guesses cannot race the counters. */
import { audit, bareOf, type DeviceContext, emitGranted, loadDevice, setNodeAccess } from "./context";
import { claimantScope, createSerialQueue, deviceScope, lockedUntil, recordFailure } from "./lockout";
import { type DeviceNodeNames, nodesOf } from "./nodes";
import { hashSecret, MAX_KEY_TEXT, sameHash } from "./secrets";
import { type DeviceRecord, fail, ok, type Result } from "./types";

export interface ClaimResult {
  deviceId: string;
  nodes: DeviceNodeNames;
  /** True when the claimant already owned the device (nothing changed). */
  alreadyOwner: boolean;
}

export function createClaimOps(ctx: DeviceContext) {
  const serial = createSerialQueue();
  let comparisons = 0;

  async function locked(scopes: string[]): Promise<Result<void>> {
    const until = await lockedUntil(ctx.store, scopes, ctx.clock.now());
    return until === undefined ? ok(undefined) : fail("locked-out", { retryAt: until });
  }

  async function failure(claimant: string, device: DeviceRecord | undefined, detail: string): Promise<void> {
    const now = ctx.clock.now();
    await recordFailure(ctx.store, claimantScope(claimant), now, ctx.lockout);
    if (!device) return;
    await recordFailure(ctx.store, deviceScope(device.id), now, ctx.lockout);
    await audit(ctx, {
      device: device.id,
      actor: claimant,
      action: "claim",
      outcome: "not-authorized",
      detail,
    });
  }

  async function succeed(
    claimant: string,
    device: DeviceRecord,
    keyHash: string,
  ): Promise<Result<ClaimResult>> {
    const taken = await ctx.store.updateDevice(
      device.id,
      { claimKeyHash: keyHash, owner: null },
      { owner: claimant, claimKeyHash: null },
    );
    if (!taken) {
      await failure(claimant, device, "key already used");
      return fail("not-authorized", { detail: device.id });
    }
    await ctx.store.clearAttempts(claimantScope(claimant));
    await ctx.store.clearAttempts(deviceScope(device.id));
    await setNodeAccess(ctx, device.id, claimant, "member");
    await audit(ctx, { device: device.id, actor: claimant, action: "claim", outcome: "ok", detail: "owner" });
    emitGranted(ctx, { deviceId: device.id, jid: claimant, level: "owner" });
    return ok({ deviceId: device.id, nodes: nodesOf(device.id), alreadyOwner: false });
  }

  async function claimNow(claimant: string, deviceId: string, key: string): Promise<Result<ClaimResult>> {
    const refused = await locked([claimantScope(claimant), deviceScope(deviceId)]);
    if (!refused.ok) return refused;
    const device = await loadDevice(ctx, deviceId);
    if (!device.ok) {
      await failure(claimant, undefined, "unknown device");
      return device;
    }
    if (device.value.owner === claimant)
      return ok({ deviceId, nodes: nodesOf(deviceId), alreadyOwner: true });
    const keyHash = hashSecret(key);
    comparisons++;
    if (!sameHash(device.value.claimKeyHash, keyHash)) {
      await failure(claimant, device.value, "wrong key");
      return fail("not-authorized", { detail: deviceId });
    }
    return succeed(claimant, device.value, keyHash);
  }

  /** XEP-0347 §3.5: the claimant names the device and gives its key. */
  async function claim(claimantJid: string, deviceId: string, key: string): Promise<Result<ClaimResult>> {
    const claimant = bareOf(claimantJid);
    if (!claimant.ok) return claimant;
    if (key.length > MAX_KEY_TEXT) return fail("bad-request", { detail: "key too long" });
    return serial(() => claimNow(claimant.value, deviceId, key));
  }

  async function mineNow(claimant: string, key: string): Promise<Result<ClaimResult>> {
    const refused = await locked([claimantScope(claimant)]);
    if (!refused.ok) return refused;
    const keyHash = hashSecret(key);
    comparisons++;
    // The lookup by hash is an index search, not a secret comparison; the hash is what it finds.
    const device = await ctx.store.findByClaimKeyHash(keyHash);
    if (!device || !sameHash(device.claimKeyHash, keyHash)) {
      await failure(claimant, undefined, "unknown key");
      return fail("not-authorized", { detail: "no device has this key" });
    }
    const deviceLocked = await locked([deviceScope(device.id)]);
    if (!deviceLocked.ok) return deviceLocked;
    return succeed(claimant, device, keyHash);
  }

  /** XEP-0347 §3.5.3 `mine`: the key alone identifies the device. */
  async function mine(claimantJid: string, key: string): Promise<Result<ClaimResult>> {
    const claimant = bareOf(claimantJid);
    if (!claimant.ok) return claimant;
    if (key.length > MAX_KEY_TEXT) return fail("bad-request", { detail: "key too long" });
    return serial(() => mineNow(claimant.value, key));
  }

  return {
    claim,
    mine,
    /** Claim keys compared so far (for tests and metrics): locked-out attempts compare none. */
    keyComparisons: () => comparisons,
  };
}
