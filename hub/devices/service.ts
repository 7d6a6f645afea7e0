/* The device service: provisioning, registration, claiming, sharing and access decisions over
 * an injected store, clock, random source and PubSub effects. No XML here; every expected
 * failure is a value (`{ ok: false, error }`), mapped to stanza errors by errors.ts.
 * References: XEP-0347 (registry, claiming), XEP-0324 (provisioning decisions); both retracted
 * or deferred and used as guides. The use cases live in service-*.ts. */
import { createDeviceContext, type DeviceServiceDeps, type RevocationListener } from "./context";
import { createAccessOps } from "./service-access";
import { createClaimOps } from "./service-claim";
import { createProvisionOps } from "./service-provision";
import { createUnregisterOps } from "./service-unregister";
import type { GrantListener } from "./types";

export type { DeviceServiceConfig, DeviceServiceDeps, RevocationListener } from "./context";

export function createDeviceService(deps: DeviceServiceDeps) {
  const ctx = createDeviceContext(deps);
  const provisioning = createProvisionOps(ctx);
  const claims = createClaimOps(ctx);
  const access = createAccessOps(ctx);
  return {
    ...provisioning,
    ...claims,
    ...access,
    ...createUnregisterOps(ctx),
    /** Audit entries of a device, oldest first (no permission check: callers decide). */
    audit: (deviceId: string, limit?: number) => ctx.store.auditOf(deviceId, limit),
    isAdmin: (bareJid: string) => ctx.admins.has(bareJid.toLowerCase()),
    /** Called after a JID lost access (unshare, disown, control share lowered to read). */
    onRevoked(listener: RevocationListener): () => void {
      ctx.listeners.add(listener);
      return () => void ctx.listeners.delete(listener);
    },
    /** Called after a JID gained access it did not have (a claim, a new share). */
    onGranted(listener: GrantListener): () => void {
      ctx.grantListeners.add(listener);
      return () => void ctx.grantListeners.delete(listener);
    },
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
