/* Storage contract of the device registry: devices, shares, lockout counters, audit log.
 * Every method is async so that a networked backend fits behind it; writes resolve only once
 * they are durably committed. JIDs are normalised (lower-case bare JIDs) by the caller. */
import type {
  AttemptRecord,
  AuditEntry,
  DeviceExpectation,
  DevicePatch,
  DeviceRecord,
  ShareRecord,
} from "./types";

export interface DeviceStore {
  /** Inserts a device; false (and nothing changes) when the id exists. */
  createDevice(record: DeviceRecord): Promise<boolean>;
  getDevice(id: string): Promise<DeviceRecord | undefined>;
  /** Every device, by id. */
  listDevices(): Promise<DeviceRecord[]>;
  /** Devices owned by a bare JID, by id. */
  devicesOwnedBy(owner: string): Promise<DeviceRecord[]>;
  /** The device whose unused claim key has this hash. */
  findByClaimKeyHash(hash: string): Promise<DeviceRecord | undefined>;
  /**
   * Compare-and-set: applies `patch` only when the device exists and every field named in
   * `expect` holds that value; true when applied. Atomic with respect to other writes.
   */
  updateDevice(id: string, expect: DeviceExpectation, patch: DevicePatch): Promise<boolean>;

  /** Adds or replaces the share of (device, jid). */
  putShare(share: ShareRecord): Promise<void>;
  /** False when there was no such share. */
  removeShare(device: string, jid: string): Promise<boolean>;
  /** Shares of a device, by JID. */
  sharesOf(device: string): Promise<ShareRecord[]>;
  /** Shares granted to a bare JID, by device. */
  sharesFor(jid: string): Promise<ShareRecord[]>;
  /** Removes every share of a device and returns what was removed. */
  clearShares(device: string): Promise<ShareRecord[]>;

  getAttempts(scope: string): Promise<AttemptRecord | undefined>;
  putAttempts(record: AttemptRecord): Promise<void>;
  clearAttempts(scope: string): Promise<void>;

  appendAudit(entry: AuditEntry): Promise<void>;
  /** The newest `limit` entries of a device (default 100), oldest first. */
  auditOf(device: string, limit?: number): Promise<AuditEntry[]>;

  close(): Promise<void>;
}

/** True when every field named in `expect` holds that value (the compare of compare-and-set). */
export function matches(record: DeviceRecord, expect: DeviceExpectation): boolean {
  return Object.entries(expect).every(([k, v]) => record[k as keyof DeviceRecord] === v);
}
