/* The readings path: boot id → batcher → encoded document → durable outbox → publish.
 * References: docs/design.md §2 (readings document v1, item ids `<bootId>-<seq>`, `clk`), docs/design.md §4 (the
 * outbox plus idempotent item ids make delivery reliable).
 *
 * With `debug.recordReadings` the agent also appends, in its state directory, every reading the
 * drivers produced (`produced.jsonl`, before filters), every reading that passed its filters
 * (`batched.jsonl`) and every document durably appended to the outbox (`appended.jsonl`: item id,
 * reading count, SHA-256 of the payload), so that tests and audits can compare what was produced
 * with what the hub stores. */
import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { encode } from "../../shared/exi";
import type { JsonObject } from "../../shared/exi/types";
import type { Logger } from "../../shared/log";
import { itemId, type Reading, type ReadingsDocument } from "../../shared/model";
import type { AgentConfig } from "../config";
import { documentRecord, type EncodeDocument, encodeJson } from "../outbox/document";
import { openFileOutboxStore } from "../outbox/file";
import { Outbox, type Publish } from "../outbox/outbox";
import type { BuildRecord, NewRecord, OutboxStore } from "../outbox/store";
import { Batcher } from "./batcher";
import { type BootId, nextBootId } from "./boot-id";
import { journalledDocuments, OpenJournal } from "./journal";

export const encodeExi: EncodeDocument = (doc) => encode(doc as unknown as JsonObject);

export interface PipelineOptions {
  config: AgentConfig;
  log: Logger;
  publish: Publish;
  synced: () => boolean;
  /** The outbox is full under the `pause` policy (true) or has room again (false). */
  onPressure: (paused: boolean) => void;
}

export interface ReadingsPipeline {
  boot: BootId;
  outbox: Outbox;
  store: OutboxStore;
  batcher: Batcher;
  /** A reading that passed its filters. */
  add(reading: Reading): void;
  /** Before filters, for debug.recordReadings. */
  produced(reading: Reading): void;
  /** Flushes the open document into the outbox and stops publishing. */
  stop(): Promise<void>;
}

export async function openPipeline(o: PipelineOptions): Promise<ReadingsPipeline> {
  const { config, log } = o;
  const stateDir = config.state.dir;
  const boot = await nextBootId({ stateDir, log });
  const store = await openFileOutboxStore({
    dir: join(stateDir, "outbox"),
    fsync: config.outbox.fsync,
    limits: {
      maxRecords: config.outbox.maxRecords,
      maxBytes: config.outbox.maxBytes,
      policy: config.outbox.policy,
    },
    log,
  });
  const outbox = new Outbox({
    store,
    publish: o.publish,
    log: log.child({ module: "outbox" }),
    maxInFlight: config.outbox.maxInFlight,
    onPressure: o.onPressure,
  });
  const encodeDoc = config.encoding === "json" ? encodeJson : encodeExi;
  const record = config.debug.recordReadings;
  const outstanding = new Set<Promise<unknown>>();
  const journalDir = join(stateDir, "open");
  const journal = new OpenJournal(journalDir, log);
  const enqueue = (doc: ReadingsDocument) => {
    const build = documentRecord(doc, encodeDoc);
    let built: NewRecord | undefined;
    const traced: BuildRecord = (gap) => {
      built = build(gap);
      return built;
    };
    const p = outbox
      .enqueue(traced)
      .then((res) => {
        // The store counted its readings in a gap that the next stored document carries.
        if (!res.ok)
          return log.warn(
            { seq: doc.seq, error: res.error },
            "readings document not stored; counted in a gap",
          );
        if (record && built) {
          const line = { id: built.itemId, n: built.count, sha256: sha(built.payload) };
          appendLine(join(stateDir, "appended.jsonl"), line);
        }
      })
      // Stored, or counted in a gap: either way the journal has done its job.
      .then(() => journal.done(doc.boot, doc.seq))
      // Only a bug or a closed store gets here: the store turns every write failure into a gap.
      .catch((err) =>
        log.error({ err, seq: doc.seq, readings: doc.r.length }, "outbox append failed; readings lost"),
      )
      .finally(() => outstanding.delete(p));
    outstanding.add(p);
  };
  // Documents a killed run had batched but not handed to the outbox go first, under their own ids.
  const held = new Set([...store.list(), ...(await store.quarantined())].map((r) => r.itemId));
  const recovered = journalledDocuments(journalDir, config.device.id);
  for (const doc of recovered) {
    if (held.has(itemId(doc.boot, doc.seq))) journal.done(doc.boot, doc.seq);
    else enqueue(doc);
  }
  if (recovered.length > 0)
    log.info(
      { documents: recovered.length, readings: recovered.reduce((n, d) => n + d.r.length, 0) },
      "recovered the open documents of the previous run",
    );
  const batcher = new Batcher({
    deviceId: config.device.id,
    bootId: boot.id,
    maxCount: config.batch.maxReadings,
    maxDelayMs: config.batch.maxDelayMs,
    journal: (seq, clk, reading) => journal.add(boot.id, seq, clk, reading),
    onDocument: enqueue,
  });
  log.info({ boot: boot.id }, "boot");
  return {
    boot,
    outbox,
    store,
    batcher,
    add(reading) {
      if (record) appendLine(join(stateDir, "batched.jsonl"), reading);
      const res = batcher.add(reading, o.synced() ? "sync" : "unsync");
      if (!res.ok) log.warn({ channel: reading.c, err: res.error.message }, "reading refused");
    },
    produced(reading) {
      if (record) appendLine(join(stateDir, "produced.jsonl"), reading);
    },
    async stop() {
      batcher.stop();
      await Promise.all([...outstanding]);
      await outbox.stop();
      journal.close();
      await store.close();
    },
  };
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function appendLine(path: string, value: unknown): void {
  appendFileSync(path, `${JSON.stringify(value)}\n`);
}
