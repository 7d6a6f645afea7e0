/* Shared contract for every DeviceStore implementation (hub/devices/store.ts). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeviceStore } from "../../hub/devices/store";
import type { AuditEntry, DeviceRecord } from "../../hub/devices/types";

export interface DeviceStoreFactory {
  open(): Promise<DeviceStore>;
  /** Closes the store and opens the same data again (durable stores only). */
  reopen?(store: DeviceStore): Promise<DeviceStore>;
  cleanup?(): Promise<void>;
}

export const device = (id: string, over: Partial<DeviceRecord> = {}): DeviceRecord => ({
  id,
  model: "sim-thermo",
  createdBy: "admin@example.org",
  createdAt: 1000,
  state: "provisioned",
  secretHash: `secret-${id}`,
  claimKeyHash: `key-${id}`,
  owner: null,
  meta: null,
  registeredJid: null,
  registeredAt: null,
  ...over,
});

const entry = (deviceId: string, n: number): AuditEntry => ({
  time: 1000 + n,
  device: deviceId,
  actor: "alice@example.org",
  action: "claim",
  outcome: n % 2 ? "ok" : "not-authorized",
  detail: `attempt ${n}`,
});

export function deviceStoreContract(name: string, factory: DeviceStoreFactory): void {
  describe(`DeviceStore contract: ${name}`, () => {
    let store: DeviceStore;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
      await factory.cleanup?.();
    });

    it("creates a device once and reads it back whole", async () => {
      expect(await store.createDevice(device("d1"))).toBe(true);
      expect(await store.createDevice(device("d1", { model: "other" }))).toBe(false);
      expect(await store.getDevice("d1")).toEqual(device("d1"));
      expect(await store.getDevice("nope")).toBeUndefined();
    });

    it("lists devices by id and by owner", async () => {
      await store.createDevice(device("b", { owner: "alice@example.org" }));
      await store.createDevice(device("a", { owner: "alice@example.org" }));
      await store.createDevice(device("c", { owner: "bob@example.org" }));
      expect((await store.listDevices()).map((d) => d.id)).toEqual(["a", "b", "c"]);
      expect((await store.devicesOwnedBy("alice@example.org")).map((d) => d.id)).toEqual(["a", "b"]);
      expect(await store.devicesOwnedBy("carol@example.org")).toEqual([]);
    });

    it("finds a device by its unused claim key hash", async () => {
      await store.createDevice(device("d1"));
      await store.createDevice(device("d2"));
      expect((await store.findByClaimKeyHash("key-d2"))?.id).toBe("d2");
      expect(await store.findByClaimKeyHash("key-d3")).toBeUndefined();
    });

    it("updates with compare-and-set", async () => {
      await store.createDevice(device("d1"));
      const claim = { owner: "alice@example.org", claimKeyHash: null };
      expect(await store.updateDevice("d1", { claimKeyHash: "wrong" }, claim)).toBe(false);
      expect((await store.getDevice("d1"))?.owner).toBeNull();
      expect(await store.updateDevice("d1", { claimKeyHash: "key-d1" }, claim)).toBe(true);
      expect(await store.updateDevice("d1", { claimKeyHash: "key-d1" }, { owner: "eve@x.org" })).toBe(false);
      expect(await store.getDevice("d1")).toEqual(device("d1", claim));
      expect(await store.updateDevice("missing", {}, { owner: "a@b" })).toBe(false);
    });

    it("stores registration meta and the registering JID", async () => {
      await store.createDevice(device("d1"));
      const patch = {
        state: "registered" as const,
        meta: { serial: "SN1", firmware: "1.2.3" },
        registeredJid: "d1@example.org/agent",
        registeredAt: 2000,
      };
      expect(await store.updateDevice("d1", { state: "provisioned" }, patch)).toBe(true);
      expect(await store.getDevice("d1")).toEqual(device("d1", patch));
    });

    it("does not alias stored records", async () => {
      const record = device("d1", { meta: { serial: "A" } });
      await store.createDevice(record);
      (record.meta as Record<string, string>).serial = "B";
      const read = await store.getDevice("d1");
      (read?.meta as Record<string, string>).serial = "C";
      expect((await store.getDevice("d1"))?.meta).toEqual({ serial: "A" });
    });

    it("adds, replaces, lists and removes shares", async () => {
      await store.putShare({ device: "d1", jid: "bob@example.org", level: "read" });
      await store.putShare({ device: "d1", jid: "ann@example.org", level: "control" });
      await store.putShare({ device: "d2", jid: "bob@example.org", level: "control" });
      await store.putShare({ device: "d1", jid: "bob@example.org", level: "control" });
      expect(await store.sharesOf("d1")).toEqual([
        { device: "d1", jid: "ann@example.org", level: "control" },
        { device: "d1", jid: "bob@example.org", level: "control" },
      ]);
      expect((await store.sharesFor("bob@example.org")).map((s) => s.device)).toEqual(["d1", "d2"]);
      expect(await store.removeShare("d1", "bob@example.org")).toBe(true);
      expect(await store.removeShare("d1", "bob@example.org")).toBe(false);
      expect(await store.clearShares("d1")).toEqual([
        { device: "d1", jid: "ann@example.org", level: "control" },
      ]);
      expect(await store.sharesOf("d1")).toEqual([]);
      expect(await store.sharesOf("d2")).toHaveLength(1);
    });

    it("keeps attempt counters per scope", async () => {
      const rec = { scope: "claimant:eve@example.org", failures: 6, lockedUntil: 5000, lastFailure: 4000 };
      await store.putAttempts(rec);
      await store.putAttempts({ ...rec, scope: "device:d1", failures: 1 });
      expect(await store.getAttempts(rec.scope)).toEqual(rec);
      await store.clearAttempts(rec.scope);
      expect(await store.getAttempts(rec.scope)).toBeUndefined();
      expect((await store.getAttempts("device:d1"))?.failures).toBe(1);
    });

    it("reads the audit log per device, newest entries, oldest first", async () => {
      for (let n = 0; n < 5; n++) await store.appendAudit(entry("d1", n));
      await store.appendAudit(entry("d2", 9));
      expect(await store.auditOf("d1")).toEqual([0, 1, 2, 3, 4].map((n) => entry("d1", n)));
      expect(await store.auditOf("d1", 2)).toEqual([entry("d1", 3), entry("d1", 4)]);
      expect(await store.auditOf("d1", 0)).toEqual([]);
      expect(await store.auditOf("d3")).toEqual([]);
    });

    const reopen = factory.reopen;
    if (reopen) {
      it("keeps everything across a reopen", async () => {
        await store.createDevice(device("d1"));
        await store.updateDevice("d1", {}, { owner: "alice@example.org", claimKeyHash: null });
        await store.putShare({ device: "d1", jid: "bob@example.org", level: "read" });
        const lock = { scope: "device:d1", failures: 7, lockedUntil: 9000, lastFailure: 8000 };
        await store.putAttempts(lock);
        await store.appendAudit(entry("d1", 1));
        store = await reopen(store);
        expect(await store.getDevice("d1")).toEqual(
          device("d1", { owner: "alice@example.org", claimKeyHash: null }),
        );
        expect(await store.sharesOf("d1")).toEqual([{ device: "d1", jid: "bob@example.org", level: "read" }]);
        expect(await store.getAttempts("device:d1")).toEqual(lock);
        expect(await store.auditOf("d1")).toEqual([entry("d1", 1)]);
      });
    }
  });
}
