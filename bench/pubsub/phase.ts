/* One measured burst: N publishes with at most W in flight, and every notification the first S
 * subscribers receive, with the latency from the publish being sent to each notification. */
import { encode, fromBase64, toBase64 } from "../../shared/exi";
import { makeEncodedReadingsPayload } from "../../shared/exi/payload";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makePublish } from "../../shared/xmpp/pubsub";

/** A valid readings document of `dev` (the hub checks each one, docs/design.md §2): two readings,
 * EXI4JSON, as base64 (about 70 characters). `clk: "unsync"` keeps it valid at any hour. */
export function makePayload(dev: string): string {
  const t = 1_764_000_000_000;
  const doc = {
    v: 1,
    dev,
    boot: "1.bench0",
    seq: 0,
    clk: "unsync",
    r: [
      { c: "temperature", t, v: 21.5 },
      { c: "humidity", t, v: 45.25 },
    ],
  };
  return toBase64(encode(doc));
}

export interface PhaseOptions {
  publisher: ClientConnection;
  service: string;
  node: string;
  /** Item ids are `<boot>-<seq>`; a fresh boot per phase keeps phases apart. */
  boot: string;
  count: number;
  subscribers: number;
  window: number;
  /** The readings payload's base64 text (docs/design.md §2), published as EXI4JSON. */
  payload: string;
  /** Give up waiting for notifications after this long without one. */
  stallMs: number;
}

export interface PhaseResult {
  acked: number;
  errors: number;
  firstError: string | undefined;
  delivered: number;
  duplicates: number;
  /** performance.now() values. */
  startedAt: number;
  lastAckAt: number;
  lastDeliveryAt: number;
  latenciesMs: Float64Array;
}

/** Collects notifications for the running phase; ignores ids of other phases. */
export class DeliveryTracker {
  private phase: { boot: string; sentAt: Float64Array; seen: Uint8Array[]; count: number } | null = null;
  delivered = 0;
  duplicates = 0;
  lastDeliveryAt = 0;
  latencies = new Float64Array(0);
  private progress: (() => void) | null = null;

  begin(boot: string, count: number, subscribers: number): Float64Array {
    const sentAt = new Float64Array(count);
    const seen = Array.from({ length: subscribers }, () => new Uint8Array(count));
    this.phase = { boot, sentAt, seen, count };
    this.delivered = 0;
    this.duplicates = 0;
    this.lastDeliveryAt = 0;
    this.latencies = new Float64Array(count * subscribers);
    return sentAt;
  }

  onNotification = (subscriber: number, ids: string[]): void => {
    const phase = this.phase;
    if (!phase) return;
    const now = performance.now();
    for (const id of ids) {
      const dash = id.lastIndexOf("-");
      if (id.slice(0, dash) !== phase.boot) continue;
      const seq = Number(id.slice(dash + 1));
      const seen = phase.seen[subscriber];
      if (!seen || !Number.isInteger(seq) || seq < 0 || seq >= phase.count) continue;
      if (seen[seq]) {
        this.duplicates++;
        continue;
      }
      seen[seq] = 1;
      this.latencies[this.delivered++] = now - phase.sentAt[seq]!;
      this.lastDeliveryAt = now;
    }
    this.progress?.();
  };

  /** Resolves once `expected` notifications arrived, or after `stallMs` without a new one. */
  async settle(expected: number, stallMs: number): Promise<void> {
    let last = this.delivered;
    let lastChange = performance.now();
    await new Promise<void>((resolve) => {
      const check = () => {
        if (this.delivered >= expected) return finish();
        if (this.delivered !== last) {
          last = this.delivered;
          lastChange = performance.now();
        } else if (performance.now() - lastChange > stallMs) finish();
      };
      // Notifications wake the check at once; the interval only catches a stall.
      const timer = setInterval(check, 200);
      const finish = () => {
        clearInterval(timer);
        this.progress = null;
        resolve();
      };
      this.progress = check;
      check();
    });
    this.phase = null;
  }
}

export async function runPhase(tracker: DeliveryTracker, o: PhaseOptions): Promise<PhaseResult> {
  const sentAt = tracker.begin(o.boot, o.count, o.subscribers);
  const readings = makeEncodedReadingsPayload(fromBase64(o.payload) ?? new Uint8Array());
  let next = 0;
  let acked = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lastAckAt = 0;
  const startedAt = performance.now();
  const worker = async () => {
    // Stop early when the service refuses outright (e.g. forbidden): the row is then reported as failed.
    while (next < o.count && errors < 100) {
      const seq = next++;
      const iq = makePublish(o.service, o.node, readings, { id: `${o.boot}-${seq}` });
      sentAt[seq] = performance.now();
      try {
        await o.publisher.request(iq, 60_000);
        acked++;
        lastAckAt = performance.now();
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.window, o.count) }, worker));
  await tracker.settle(acked * o.subscribers, o.stallMs);
  return {
    acked,
    errors,
    firstError,
    delivered: tracker.delivered,
    duplicates: tracker.duplicates,
    startedAt,
    lastAckAt,
    lastDeliveryAt: tracker.lastDeliveryAt,
    latenciesMs: tracker.latencies,
  };
}
