/* A pure PubSub service over the in-memory store, with a spy broadcaster, a spy event listener,
 * a manual clock and the hub's device-node rules (as hub/main.ts wires them). */
import { createDeviceNodeRules } from "../../../../hub/devices/node-rules";
import type { ServiceEvent, ServiceEventType } from "../../../../hub/pubsub/events";
import type { NodeRules } from "../../../../hub/pubsub/rules";
import { createPubsubService } from "../../../../hub/pubsub/service";
import { createMemoryStore } from "../../../../hub/pubsub/storage/memory";
import {
  DEFAULT_LIMITS,
  type PubsubEvent,
  type PubsubLimits,
  type PubsubServiceConfig,
} from "../../../../hub/pubsub/types";
import { makeReadingsPayload } from "../../../../shared/exi/payload";

export const ALICE = "alice@example.org/laptop";
export const BOB = "bob@example.org/phone";
export const CAROL = "carol@example.org/desk";
export const ADMIN = "admin@example.org/cli";
export const DEVICE = "dev1@example.org/agent";
export const STRANGER = "eve@elsewhere.net/x";
export const PAYLOAD = "<entry xmlns='urn:test'>hi</entry>";

/** A valid readings payload of `dev` (readings nodes accept nothing else), serialised as stored;
 * a different `value` makes a different payload. Its time suits the setup's clock. */
export const readingsPayload = (dev: string, value = 1): string =>
  makeReadingsPayload(
    { v: 1, dev, boot: "b1", seq: 1, clk: "sync", r: [{ c: "temp", t: 1_699_999_999_000, v: value }] },
    "json",
  ).toString();

export interface Setup {
  service: ReturnType<typeof createPubsubService>;
  store: ReturnType<typeof createMemoryStore>;
  events: PubsubEvent[];
  /** Every service event, in order (the spy listener on every type). */
  changes: ServiceEvent[];
  advance(ms: number): void;
}

const EVENT_TYPES: ServiceEventType[] = [
  "published",
  "republished",
  "retracted",
  "purged",
  "created",
  "configured",
  "node-deleted",
  "subscription-changed",
  "affiliation-changed",
];

export function setup(
  over: Partial<Omit<PubsubServiceConfig, "limits">> & { limits?: Partial<PubsubLimits> } = {},
  rules: NodeRules = createDeviceNodeRules({ domain: over.domain ?? "example.org" }),
): Setup {
  const store = createMemoryStore();
  const events: PubsubEvent[] = [];
  let now = 1_700_000_000_000;
  let n = 0;
  const service = createPubsubService({
    store,
    broadcaster: { broadcast: (e) => events.push(e) },
    clock: { now: () => now },
    config: {
      domain: "example.org",
      admins: ["Admin@Example.org"],
      allowLocalUsers: true,
      ...over,
      limits: { ...DEFAULT_LIMITS, ...over.limits },
    },
    newId: () => `id${++n}`,
    rules,
  });
  const changes: ServiceEvent[] = [];
  for (const type of EVENT_TYPES) service.events.on(type, (e) => void changes.push(e as ServiceEvent));
  return {
    service,
    store,
    events,
    changes,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Unwraps an ok result, failing the test with the error code otherwise. */
export function value<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error}`);
  return r.value;
}
