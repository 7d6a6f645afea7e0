import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryOutboxStore } from "../../../../agent/outbox/memory";
import { Outbox, type OutboxOptions, type PublishOutcome } from "../../../../agent/outbox/outbox";
import type { OutboxLimits, OutboxRecord, OutboxStore } from "../../../../agent/outbox/store";
import { silentLogger } from "../../../../shared/log";
import { doc } from "../../../contract/outbox-store.contract";

type Call = { rec: OutboxRecord; answer: (o: PublishOutcome | Error) => void };
/** Every controlled call, so that afterEach can answer the ones a test left open. */
const allCalls: Call[] = [];

/** A publish whose calls the test answers one by one. */
function controlledPublish() {
  const calls: Call[] = [];
  const publish = (rec: OutboxRecord) =>
    new Promise<PublishOutcome>((resolve, reject) => {
      const call: Call = { rec, answer: (o) => (o instanceof Error ? reject(o) : resolve(o)) };
      calls.push(call);
      allCalls.push(call);
    });
  return { calls, publish };
}

/** A publish that answers at once from a script (default ok) and records item ids. */
function scriptedPublish(script: (rec: OutboxRecord, n: number) => PublishOutcome = () => ({ kind: "ok" })) {
  const seen: string[] = [];
  const publish = async (rec: OutboxRecord) => {
    seen.push(rec.itemId);
    return script(rec, seen.length);
  };
  return { seen, publish };
}

let store: OutboxStore;
let boxes: Outbox[];
beforeEach(() => {
  boxes = [];
});
afterEach(async () => {
  const stopping = boxes.map((b) => b.stop());
  for (const call of allCalls.splice(0)) call.answer({ kind: "wait", reason: "test over" });
  await Promise.all(stopping);
  vi.useRealTimers();
});

function make(
  publish: OutboxOptions["publish"],
  extra: Partial<OutboxOptions> = {},
  limits?: Partial<OutboxLimits>,
) {
  store = createMemoryOutboxStore({ limits });
  const box = new Outbox({ store, publish, log: silentLogger(), random: () => 0, ...extra });
  boxes.push(box);
  return box;
}

const fill = async (box: Outbox, n: number, boot = "1.aa") => {
  for (let i = 0; i < n; i++) await box.enqueue(() => doc(boot, i));
};

describe("Outbox", () => {
  it("publishes nothing before start or while offline, then drains in order and acks", async () => {
    const p = scriptedPublish();
    const box = make(p.publish);
    await fill(box, 3);
    box.start();
    await box.whenIdle();
    expect(p.seen).toEqual([]);
    box.setOnline(true);
    await box.whenIdle();
    expect(p.seen).toEqual(["1.aa-0", "1.aa-1", "1.aa-2"]);
    expect(store.list()).toEqual([]);
    await box.enqueue(() => doc("1.aa", 3));
    await box.whenIdle();
    expect(p.seen.at(-1)).toBe("1.aa-3");
  });

  it("keeps at most maxInFlight publishes outstanding and removes records only on a result", async () => {
    const c = controlledPublish();
    const box = make(c.publish, { maxInFlight: 2 });
    await fill(box, 5);
    box.start();
    box.setOnline(true);
    expect(c.calls.map((x) => x.rec.itemId)).toEqual(["1.aa-0", "1.aa-1"]);
    expect(box.inFlight).toBe(2);
    c.calls[1]!.answer({ kind: "ok" });
    await vi.waitFor(() => expect(c.calls).toHaveLength(3));
    expect(store.list().map((r) => r.itemId)).toEqual(["1.aa-0", "1.aa-2", "1.aa-3", "1.aa-4"]);
    expect(c.calls[2]!.rec.itemId).toBe("1.aa-2");
  });

  it("backs off exponentially with jitter on wait errors and transport failures", async () => {
    vi.useFakeTimers();
    const outcomes: (PublishOutcome | Error)[] = [
      { kind: "wait", reason: "resource-constraint" },
      new Error("timeout"),
      { kind: "wait" },
      { kind: "ok" },
    ];
    const times: number[] = [];
    const box = make(
      async () => {
        times.push(Date.now());
        const o = outcomes.shift()!;
        if (o instanceof Error) throw o;
        return o;
      },
      { maxInFlight: 1, backoff: { initialMs: 1000, maxMs: 3000, factor: 2 }, timers: undefined },
    );
    await fill(box, 1);
    const t0 = Date.now();
    box.start();
    box.setOnline(true);
    await vi.runAllTimersAsync();
    // random() = 0 picks the low end of [d/2, d]: 500, 1000, min(4000, 3000)/2 = 1500.
    expect(times.map((t) => t - t0)).toEqual([0, 500, 1500, 3000]);
    expect(store.list()).toEqual([]);
  });

  it("quarantines a record refused for good and goes on with the rest", async () => {
    const p = scriptedPublish((rec) =>
      rec.itemId === "1.aa-1" ? { kind: "refused", reason: "cancel/conflict" } : { kind: "ok" },
    );
    const box = make(p.publish, { maxInFlight: 1 });
    await fill(box, 3);
    box.start();
    box.setOnline(true);
    await box.whenIdle();
    expect(p.seen).toEqual(["1.aa-0", "1.aa-1", "1.aa-2"]);
    expect(store.list()).toEqual([]);
    expect((await store.quarantined()).map((q) => [q.itemId, q.reason])).toEqual([
      ["1.aa-1", "cancel/conflict"],
    ]);
  });

  it("counts the quarantine: what the store held at start plus each refusal, told to listeners", async () => {
    const p = scriptedPublish((rec) =>
      rec.itemId.endsWith("-1") || rec.itemId.endsWith("-3")
        ? { kind: "refused", reason: "modify/bad-request" }
        : { kind: "ok" },
    );
    const box = make(p.publish, { maxInFlight: 1 });
    await fill(box, 1, "0.zz");
    await store.quarantine(store.list()[0]!.key, "from an earlier run");
    await fill(box, 5);
    const told: number[] = [];
    const undo = box.onQuarantined((n) => told.push(n));
    box.start();
    box.setOnline(true);
    await box.whenIdle();
    expect(p.seen).toEqual(["1.aa-0", "1.aa-1", "1.aa-2", "1.aa-3", "1.aa-4"]);
    expect(box.quarantined).toBe(3);
    expect(told).toEqual([2, 3]);
    undo();
    await fill(box, 1, "2.bb");
    await box.whenIdle();
    expect(told).toEqual([2, 3]);
  });

  it("keeps a record quarantined when a quarantine listener throws", async () => {
    const p = scriptedPublish(() => ({ kind: "refused", reason: "modify/bad-request" }));
    const box = make(p.publish, { maxInFlight: 1 });
    box.onQuarantined(() => {
      throw new Error("listener bug");
    });
    await fill(box, 2);
    box.start();
    box.setOnline(true);
    await box.whenIdle();
    expect(p.seen).toEqual(["1.aa-0", "1.aa-1"]);
    expect(box.quarantined).toBe(2);
    expect(store.list()).toEqual([]);
  });

  it("backs off when the store cannot record an acknowledgement (a full disk) instead of spinning", async () => {
    vi.useFakeTimers();
    const times: number[] = [];
    const p = scriptedPublish(() => {
      times.push(Date.now());
      return { kind: "ok" };
    });
    const box = make(p.publish, { maxInFlight: 1, backoff: { initialMs: 1000, maxMs: 4000, factor: 2 } });
    await fill(box, 1);
    let failures = 3;
    const ack = store.ack.bind(store);
    store.ack = async (key) => {
      if (failures-- > 0)
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      return ack(key);
    };
    const t0 = Date.now();
    box.start();
    box.setOnline(true);
    await vi.runAllTimersAsync();
    // Three failed acks: retried after 500, 1000 and 2000 ms (random() = 0), then acknowledged.
    expect(times.map((t) => t - t0)).toEqual([0, 500, 1500, 3500]);
    expect(store.list()).toEqual([]);
  });

  it("stops issuing when offline, lets outstanding publishes settle, resumes when online", async () => {
    const c = controlledPublish();
    const box = make(c.publish, { maxInFlight: 1 });
    await fill(box, 3);
    box.start();
    box.setOnline(true);
    box.setOnline(false);
    c.calls[0]!.answer({ kind: "ok" });
    await box.whenIdle();
    expect(c.calls).toHaveLength(1);
    expect(store.list()).toHaveLength(2);
    box.setOnline(true);
    expect(c.calls.map((x) => x.rec.itemId)).toEqual(["1.aa-0", "1.aa-1"]);
  });

  it("leaves no timer behind after stop, and start() after stop() works again", async () => {
    vi.useFakeTimers();
    const p = scriptedPublish((_, n) => (n === 1 ? { kind: "wait" } : { kind: "ok" }));
    const box = make(p.publish);
    await fill(box, 1);
    box.start();
    box.setOnline(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    await box.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(p.seen).toEqual(["1.aa-0"]);
    box.start();
    await box.whenIdle();
    expect(p.seen).toEqual(["1.aa-0", "1.aa-0"]);
    expect(store.list()).toEqual([]);
  });

  it("stop() waits for outstanding publishes", async () => {
    const c = controlledPublish();
    const box = make(c.publish);
    await fill(box, 1);
    box.start();
    box.setOnline(true);
    let stopped = false;
    const stopping = box.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    c.calls[0]!.answer({ kind: "ok" });
    await stopping;
    expect(store.list()).toEqual([]);
  });

  it("pause policy: tells the producer to stop when full and to go on when there is room", async () => {
    const c = controlledPublish();
    const pressure: boolean[] = [];
    const box = make(
      c.publish,
      { maxInFlight: 1, onPressure: (p) => pressure.push(p) },
      {
        maxRecords: 2,
        policy: "pause",
      },
    );
    await box.enqueue(() => doc("1.aa", 0));
    await box.enqueue(() => doc("1.aa", 1));
    expect(pressure).toEqual([true]);
    expect(await box.enqueue(() => doc("1.aa", 2))).toEqual({ ok: false, error: "full" });
    expect(box.paused).toBe(true);
    box.start();
    box.setOnline(true);
    c.calls[0]!.answer({ kind: "ok" });
    await vi.waitFor(() => expect(pressure).toEqual([true, false]));
    expect(box.paused).toBe(false);
  });
});
