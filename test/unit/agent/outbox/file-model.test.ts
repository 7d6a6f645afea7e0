/* Random operation sequences against the file store, closed and reopened at random, must leave
 * exactly the state the memory store reaches with the same operations. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openFileOutboxStore } from "../../../../agent/outbox/file";
import { createMemoryOutboxStore } from "../../../../agent/outbox/memory";
import type { OutboxStore } from "../../../../agent/outbox/store";
import { put } from "../../../contract/outbox-store.contract";

type Op =
  /** `carry`: the document takes the pending gap (as the agent does); otherwise gaps pile up. */
  | { op: "append"; count: number; size: number; carry: boolean }
  | { op: "ack" | "quarantine"; index: number }
  | { op: "reopen"; fsync: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("append" as const),
      count: fc.nat(4),
      size: fc.nat(60),
      carry: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("ack" as const), index: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("quarantine" as const), index: fc.nat(6) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("reopen" as const),
      fsync: fc.constantFrom("always", "never", "interval:5"),
    }),
  },
);

const snapshot = (s: OutboxStore) => ({
  records: s.list().map((r) => ({ ...r, payload: Buffer.from(r.payload).toString("hex") })),
  gaps: s.pendingGaps(),
});

describe("file outbox against the memory model", () => {
  it("agrees after every operation, across reopens and compactions", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const dir = await mkdtemp(join(tmpdir(), "xiot-model-"));
        const limits = { maxRecords: 3, maxBytes: 120 };
        const model = createMemoryOutboxStore({ limits, now: () => 1 });
        const open = (fsync: string) =>
          openFileOutboxStore({ dir, limits, fsync, compactMinBytes: 0, now: () => 1 });
        let file = await open("always");
        let boot = 0;
        let seq = 0;
        try {
          for (const o of ops) {
            if (o.op === "append") {
              const rec = {
                itemId: `${boot}.aa-${seq++}`,
                count: o.count,
                payload: Buffer.alloc(o.size, seq),
              };
              const add = (s: OutboxStore) => (o.carry ? put(s, rec) : s.append(() => rec));
              expect(await add(file)).toEqual(await add(model));
            } else if (o.op === "reopen") {
              await file.close();
              file = await open(o.fsync);
              boot++;
              seq = 0;
            } else {
              const key = model.list()[o.index]?.key ?? 10_000;
              await (o.op === "ack"
                ? Promise.all([file.ack(key), model.ack(key)])
                : Promise.all([
                    file.quarantine(key, "cancel: conflict"),
                    model.quarantine(key, "cancel: conflict"),
                  ]));
            }
            expect(snapshot(file)).toEqual(snapshot(model));
          }
          const q = (s: OutboxStore) =>
            s.quarantined().then((l) => l.map((r) => [r.key, r.itemId, r.reason]));
          expect(await q(file)).toEqual(await q(model));
        } finally {
          await file.close();
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
  });
});
