/* A device service over the in-memory store, with a manual clock, a seeded random source and a
 * spy for the PubSub effects. */
import { createHash } from "node:crypto";
import { createMemoryDeviceStore } from "../../../../hub/devices/memory";
import type { DeviceNodes } from "../../../../hub/devices/nodes";
import { createDeviceService, type DeviceService } from "../../../../hub/devices/service";
import type { DeviceStore } from "../../../../hub/devices/store";
import type { GrantEvent, LockoutPolicy, RevocationEvent } from "../../../../hub/devices/types";

export const ADMIN = "admin@example.org/cli";
export const ALICE = "alice@example.org/phone";
export const BOB = "bob@example.org/laptop";
export const CAROL = "carol@example.org/desk";
export const EVE = "eve@example.org/x";
export const START = 1_700_000_000_000;

/** Deterministic bytes: SHA-256 of a seed and a counter. */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let at = 0; at < n; at += 32) {
      createHash("sha256").update(`${seed}:${counter++}`).digest().copy(out, at);
    }
    return out;
  };
}

export interface NodeCall {
  op: "ensure" | "affiliate";
  node: string;
  jid?: string;
  affiliation?: string;
}

export interface Setup {
  service: DeviceService;
  store: DeviceStore;
  calls: NodeCall[];
  revoked: RevocationEvent[];
  granted: GrantEvent[];
  now(): number;
  advance(ms: number): void;
  /** Provisions a device as the admin and returns its claim key and secret. */
  provision(id: string): Promise<{ claimKey: string; registrationSecret: string }>;
}

export interface SetupOptions {
  store?: DeviceStore;
  lockout?: Partial<LockoutPolicy>;
  seed?: string;
  start?: number;
}

export function setup(options: SetupOptions = {}): Setup {
  const store = options.store ?? createMemoryDeviceStore();
  const calls: NodeCall[] = [];
  const revoked: RevocationEvent[] = [];
  let now = options.start ?? START;
  const nodes: DeviceNodes = {
    async ensureNodes(id) {
      calls.push({ op: "ensure", node: id });
    },
    async setAffiliation(node, jid, affiliation) {
      calls.push({ op: "affiliate", node, jid, affiliation });
    },
  };
  const service = createDeviceService({
    store,
    nodes,
    clock: { now: () => now },
    random: seededRandom(options.seed ?? "test"),
    config: {
      domain: "Example.org",
      admins: ["Admin@Example.org"],
      ...(options.lockout && { lockout: options.lockout }),
    },
  });
  service.onRevoked((e) => revoked.push(e));
  const granted: GrantEvent[] = [];
  service.onGranted((e) => granted.push(e));
  return {
    service,
    store,
    calls,
    revoked,
    granted,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    async provision(id) {
      const r = await service.provision(ADMIN, { id, model: "sim-thermo" });
      if (!r.ok) throw new Error(`provision ${id}: ${r.error}`);
      return r.value;
    },
  };
}

/** Unwraps an ok result, failing the test with the error code otherwise. */
export function value<T>(r: { ok: true; value: T } | { ok: false; error: string; detail?: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error} (${r.detail ?? ""})`);
  return r.value;
}
