/* Records, results and dependencies of the hub's device registry: provisioning, registration,
 * claiming, sharing and access decisions.
 * References: XEP-0347 §3 (registration, claiming, ownership; retracted, used as a guide),
 * XEP-0324 §3 (provisioning decisions; deferred, used as a guide), docs/design.md §2 (device ids). */

export type ProvisioningState = "provisioned" | "registered";
export type ShareLevel = "read" | "control";

export interface DeviceRecord {
  /** Device id, docs/design.md §2: `[a-z0-9][a-z0-9-]{0,62}`, the localpart of the device's JID. */
  id: string;
  model: string;
  /** Bare JID of the admin who provisioned it. */
  createdBy: string;
  /** ms since the epoch. */
  createdAt: number;
  state: ProvisioningState;
  /** SHA-256 (hex) of the one-time registration secret; kept so a retried registration matches. */
  secretHash: string | null;
  /** SHA-256 (hex) of the claim key; null once the device was claimed. */
  claimKeyHash: string | null;
  /** Bare JID of the owner, or null. */
  owner: string | null;
  /** Tags the device sent at registration (see meta.ts for the allowed tags). */
  meta: Record<string, string> | null;
  /** Full JID that registered. */
  registeredJid: string | null;
  registeredAt: number | null;
}

/** Fields a compare-and-set update may require to be unchanged. */
export type DeviceExpectation = Partial<Pick<DeviceRecord, "claimKeyHash" | "owner" | "state">>;
/** Fields an update may change. */
export type DevicePatch = Partial<Omit<DeviceRecord, "id" | "createdBy" | "createdAt">>;

export interface ShareRecord {
  device: string;
  /** Bare JID. */
  jid: string;
  level: ShareLevel;
}

/** Failed-attempt counter of one scope (`claimant:<bare jid>`, `device:<id>`). */
export interface AttemptRecord {
  scope: string;
  failures: number;
  /** ms since the epoch; 0 when not locked. */
  lockedUntil: number;
  /** ms since the epoch of the last failure. */
  lastFailure: number;
}

export type AuditAction = "provision" | "register" | "claim" | "share" | "unshare" | "disown" | "reissue";

export interface AuditEntry {
  /** ms since the epoch. */
  time: number;
  device: string;
  /** JID that acted (bare for people, full for a registering device). */
  actor: string;
  action: AuditAction;
  /** "ok", or the error code of a refused attempt. */
  outcome: string;
  /** Short text; never a key or a secret. */
  detail: string;
}

/** Expected failures of the device service; shared/xmpp/errors.ts maps them to stanza errors. */
export type DeviceErrorCode =
  | "bad-request"
  | "jid-malformed"
  | "forbidden"
  | "item-not-found"
  | "conflict"
  | "not-acceptable"
  | "not-authorized"
  | "locked-out";

export type Ok<T> = { ok: true; value: T };
export type Fail = {
  ok: false;
  error: DeviceErrorCode;
  /** Human-readable detail: the offending tag, the invalid field. */
  detail?: string;
  /** For `locked-out`: ms since the epoch when attempts are accepted again. */
  retryAt?: number;
};
export type Result<T> = Ok<T> | Fail;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const fail = (error: DeviceErrorCode, extra: { detail?: string; retryAt?: number } = {}): Fail => ({
  ok: false,
  error,
  ...extra,
});

export type { Clock } from "../../shared/clock";

/** Random bytes; crypto.randomBytes in production, seeded in tests. */
export type RandomSource = (bytes: number) => Uint8Array;

export interface LockoutPolicy {
  /** Failures allowed before the first lockout. */
  freeFailures: number;
  /** First lockout; each further failure doubles it. */
  baseMs: number;
  /** Longest lockout. */
  maxMs: number;
  /** A scope whose last failure is older than this starts again from zero. */
  resetAfterMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = {
  freeFailures: 5,
  baseMs: 1000,
  maxMs: 3_600_000,
  resetAfterMs: 24 * 3_600_000,
};

/** A JID gained access to a device it had none to: it claimed it, or it was shared with it. */
export interface GrantEvent {
  deviceId: string;
  /** Bare JID. */
  jid: string;
  level: "owner" | "read" | "control";
}

export type GrantListener = (event: GrantEvent) => void;

/** A JID lost some or all of its access to a device (`left` is what remains). */
export interface RevocationEvent {
  deviceId: string;
  /** Bare JID. */
  jid: string;
  left: "read" | "none";
}
