/* In-memory DeviceStore: the reference implementation of the contract, for tests and for a hub
 * run without persistence. Returns copies so callers never alias stored records. */
import { type DeviceStore, matches } from "./store";
import type { AttemptRecord, AuditEntry, DeviceRecord, ShareRecord } from "./types";

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function createMemoryDeviceStore(): DeviceStore {
  const devices = new Map<string, DeviceRecord>();
  const shares = new Map<string, Map<string, ShareRecord>>();
  const attempts = new Map<string, AttemptRecord>();
  const audit: AuditEntry[] = [];
  const copy = <T>(v: T): T => structuredClone(v);

  return {
    async createDevice(record) {
      if (devices.has(record.id)) return false;
      devices.set(record.id, copy(record));
      return true;
    },
    getDevice: async (id) => copy(devices.get(id)),
    listDevices: async () => [...devices.values()].sort(byId).map(copy),
    devicesOwnedBy: async (owner) =>
      [...devices.values()]
        .filter((d) => d.owner === owner)
        .sort(byId)
        .map(copy),
    findByClaimKeyHash: async (hash) => copy([...devices.values()].find((d) => d.claimKeyHash === hash)),
    async updateDevice(id, expect, patch) {
      const current = devices.get(id);
      if (!current || !matches(current, expect)) return false;
      devices.set(id, copy({ ...current, ...patch, id }));
      return true;
    },

    async putShare(share) {
      const of = shares.get(share.device) ?? new Map<string, ShareRecord>();
      of.set(share.jid, copy(share));
      shares.set(share.device, of);
    },
    removeShare: async (device, jid) => shares.get(device)?.delete(jid) ?? false,
    sharesOf: async (device) =>
      [...(shares.get(device)?.values() ?? [])].sort((a, b) => cmp(a.jid, b.jid)).map(copy),
    sharesFor: async (jid) =>
      [...shares.values()]
        .flatMap((of) => [...of.values()])
        .filter((s) => s.jid === jid)
        .sort((a, b) => cmp(a.device, b.device))
        .map(copy),
    async clearShares(device) {
      const removed = [...(shares.get(device)?.values() ?? [])].sort((a, b) => cmp(a.jid, b.jid));
      shares.delete(device);
      return removed;
    },

    getAttempts: async (scope) => copy(attempts.get(scope)),
    async putAttempts(record) {
      attempts.set(record.scope, copy(record));
    },
    async clearAttempts(scope) {
      attempts.delete(scope);
    },

    async appendAudit(entry) {
      audit.push(copy(entry));
    },
    auditOf: async (device, limit = 100) =>
      limit <= 0
        ? []
        : audit
            .filter((e) => e.device === device)
            .slice(-limit)
            .map(copy),

    async close() {},
  };
}
