/* Batcher → document record → file outbox → flaky publish into a hub stand-in that behaves like
 * an append-only readings node (same id and payload: acknowledged again; different payload:
 * conflict). Across lost results, wait errors, transport failures, offline spells and a restart
 * with a new boot id, every reading arrives exactly once. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { documentRecord, encodeJson } from "../../../../agent/outbox/document";
import { openFileOutboxStore } from "../../../../agent/outbox/file";
import { Outbox, type PublishOutcome } from "../../../../agent/outbox/outbox";
import type { OutboxRecord, OutboxStore } from "../../../../agent/outbox/store";
import { Batcher } from "../../../../agent/readings/batcher";
import { nextBootId } from "../../../../agent/readings/boot-id";
import { silentLogger } from "../../../../shared/log";
import { parseReadingsDocument, type Reading } from "../../../../shared/model";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "xiot-pipeline-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function flakyHub(seed: number) {
  const items = new Map<string, string>();
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const publish = async (rec: OutboxRecord): Promise<PublishOutcome> => {
    const roll = rand();
    if (roll < 0.15) return { kind: "wait", reason: "resource-constraint" };
    if (roll < 0.25) throw new Error("iq timeout");
    const payload = Buffer.from(rec.payload).toString("hex");
    const existing = items.get(rec.itemId);
    if (existing !== undefined && existing !== payload) return { kind: "refused", reason: "cancel/conflict" };
    items.set(rec.itemId, payload);
    if (roll < 0.35) throw new Error("connection lost before the result arrived");
    return { kind: "ok" };
  };
  return { items, publish };
}

async function runBoot(store: OutboxStore, hub: ReturnType<typeof flakyHub>, readings: Reading[]) {
  const boot = await nextBootId({ stateDir: dir });
  const outbox = new Outbox({
    store,
    publish: hub.publish,
    log: silentLogger(),
    maxInFlight: 3,
    backoff: { initialMs: 1, maxMs: 4 },
  });
  const queued: Promise<unknown>[] = [];
  const batcher = new Batcher({
    deviceId: "dev-1",
    bootId: boot.id,
    maxCount: 7,
    onDocument: (doc) => queued.push(outbox.enqueue(documentRecord(doc, encodeJson))),
  });
  outbox.start();
  readings.forEach((r, i) => {
    batcher.add(r, "sync");
    if (i % 40 === 10) outbox.setOnline(true);
    if (i % 40 === 30) outbox.setOnline(false);
  });
  batcher.stop();
  await Promise.all(queued);
  return outbox;
}

describe("delivery pipeline", () => {
  it("delivers every reading exactly once across failures and a restart", async () => {
    const all: Reading[] = Array.from({ length: 300 }, (_, i) => ({ c: "temp", t: 1_000_000 + i, v: i }));
    const hub = flakyHub(7);
    let store = await openFileOutboxStore({ dir: join(dir, "outbox") });
    const first = await runBoot(store, hub, all.slice(0, 150));
    await first.stop(); // restart with records still queued
    expect(store.list().length).toBeGreaterThan(0);
    await store.close();
    store = await openFileOutboxStore({ dir: join(dir, "outbox") });
    const second = await runBoot(store, hub, all.slice(150));
    second.setOnline(true);
    await vi.waitFor(() => expect(store.list()).toEqual([]), { timeout: 10_000 });
    await second.stop();
    await store.close();

    const delivered = [...hub.items.values()].flatMap((hex) => {
      const doc = parseReadingsDocument(JSON.parse(Buffer.from(hex, "hex").toString("utf8")));
      if (!doc.ok) throw doc.error;
      return doc.value.r;
    });
    expect(delivered.map((r) => r.v).sort((a, b) => Number(a) - Number(b))).toEqual(all.map((r) => r.v));
    expect(new Set(hub.items.keys()).size).toBe(hub.items.size);
    for (const boot of ["0.", "1."])
      expect([...hub.items.keys()].some((id) => id.startsWith(boot))).toBe(true);
  });
});
