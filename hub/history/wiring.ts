/* Telemetry history in the hub: the chunked SQLite engine (chosen by bench/history, BENCHMARKS.md
 * "History") on the item store's connection, so an accepted readings item and its readings are
 * one commit; the query route; retention (and the sealing of chunks) in bounded steps on a
 * timer, back to back while a step finds a full batch, so that it keeps up with any ingest rate
 * and still lets publishes run between steps; and the one-off backfill of items stored before
 * history existed.
 * References: docs/history.md. */

import xml from "@xmpp/xml";
import type { Database } from "better-sqlite3";
import type { Logger } from "../../shared/log";
import { decodeReadings } from "../../shared/xmpp/pubsub-device";
import type { AccessRule } from "../access/rule";
import type { IqRoute } from "../iq-types";
import type { PubsubStore } from "../pubsub/storage/types";
import { backfillHistory } from "./backfill";
import { historyRoute } from "./service";
import { openChunkedHistory } from "./sqlite-chunks";
import { historyFlag, setHistoryFlag } from "./sqlite-schema";
import type { HistoryStore, RetentionPolicy } from "./types";

export interface HubHistoryConfig {
  /** The hub's retention and the devices' own (history.devices.<id>.retention). */
  retention: RetentionPolicy;
  /** How long to wait after a step that found less than a full batch. */
  pruneIntervalMs: number;
  /** Most rows one step moves or deletes. */
  pruneBatch: number;
}

export interface HubHistoryDeps {
  database: Database;
  store: Pick<PubsubStore, "listNodes" | "getItems">;
  config: HubHistoryConfig;
  maxReplyBytes: number;
  now(): number;
  log: Logger;
}

export interface HubHistory {
  history: HistoryStore;
  /** The query route; it needs the access rule, which exists once PubSub does. */
  route(access: Pick<AccessRule, "factsOf" | "refusal">): IqRoute;
  /** Backfills once, then prunes on a timer. */
  start(): Promise<void>;
  stop(): void;
}

const BACKFILL = "backfill";

export function createHubHistory(deps: HubHistoryDeps): HubHistory {
  const history = openChunkedHistory(deps.database, deps.config.retention);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  const schedule = (ms: number): void => {
    if (!running) return;
    timer = setTimeout(prune, ms);
    timer.unref();
  };

  const prune = (): void => {
    let done = 0;
    try {
      done = history.prune(deps.now(), deps.config.pruneBatch);
      if (done > 0) deps.log.debug({ done }, "history pruned");
    } catch (error) {
      // A full disk or a busy file: the next step tries again; publishes are not affected.
      deps.log.warn({ err: error }, "history retention step failed");
    }
    // A full batch: there is more to do now; the next step after pending I/O (publishes first).
    schedule(done >= deps.config.pruneBatch ? 0 : deps.config.pruneIntervalMs);
  };

  return {
    history,
    route: (access) => historyRoute({ history, access, now: deps.now, maxReplyBytes: deps.maxReplyBytes }),
    async start() {
      if (!historyFlag(deps.database, BACKFILL)) {
        await backfillHistory({
          store: deps.store,
          history,
          decode: (payload) => {
            const doc = decodeReadings(xml("item", {}, payload));
            return doc.ok ? doc.value : undefined;
          },
          now: deps.now,
          log: deps.log,
        });
        setHistoryFlag(deps.database, BACKFILL);
      }
      running = true;
      schedule(deps.config.pruneIntervalMs);
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
