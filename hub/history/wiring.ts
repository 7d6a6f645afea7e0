/* Telemetry history in the hub: the chunked SQLite engine (chosen by bench/history, BENCHMARKS.md
 * "History") on the item store's connection, so an accepted readings item and its readings are
 * one commit; the query route; retention (and the sealing of chunks) in bounded steps on a
 * timer; and the one-off backfill of items stored before history existed.
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
  pruneIntervalMs: number;
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
  let timer: ReturnType<typeof setInterval> | undefined;

  const prune = (): void => {
    try {
      const deleted = history.prune(deps.now(), deps.config.pruneBatch);
      if (deleted > 0) deps.log.debug({ deleted }, "history pruned");
    } catch (error) {
      // A full disk or a busy file: the next step tries again; publishes are not affected.
      deps.log.warn({ err: error }, "history retention step failed");
    }
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
      timer = setInterval(prune, deps.config.pruneIntervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
