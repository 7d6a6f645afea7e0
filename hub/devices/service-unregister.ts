/* A registered device gives its registration up (a factory reset): the record goes back to
 * `provisioned`, and the same registration secret registers it again later. Ownership and shares
 * stay: they belong to the person, not to one installation of the agent.
 * References: XEP-0347 §3.8 (unregistering a thing; retracted, used as a guide). */
import { isDeviceId } from "../../shared/model";
import { audit, bareOf, type DeviceContext, fullOf } from "./context";
import { fail, ok, type Result } from "./types";

export function createUnregisterOps(ctx: DeviceContext) {
  /** From the device's own JID only; any resource of the device's account may do it. */
  async function unregister(fromFullJid: string): Promise<Result<{ deviceId: string }>> {
    const bare = bareOf(fromFullJid);
    if (!bare.ok) return bare;
    const full = fullOf(fromFullJid);
    if (!full.ok) return full;
    const [local, domain] = bare.value.split("@") as [string, string | undefined];
    if (domain !== ctx.domain || !isDeviceId(local)) return fail("forbidden", { detail: "not a device JID" });
    const device = await ctx.store.getDevice(local);
    if (!device) return fail("item-not-found", { detail: local });
    if (device.state !== "registered")
      return fail("item-not-found", { detail: `${local} is not registered` });
    const patch = { state: "provisioned" as const, registeredJid: null, registeredAt: null };
    if (!(await ctx.store.updateDevice(local, { state: "registered" }, patch))) {
      return fail("conflict", { detail: "changed meanwhile" });
    }
    await audit(ctx, {
      device: local,
      actor: full.value,
      action: "register",
      outcome: "ok",
      detail: "unregistered",
    });
    return ok({ deviceId: local });
  }
  return { unregister };
}
