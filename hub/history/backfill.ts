/* Bringing a store from before telemetry history into history: every readings item still held by
 * a `devices/<id>/readings` node is decoded and its readings added, once, at the first start of a
 * hub that keeps history. Adding is exactly once per (device, channel, time), so a backfill cut
 * short (a crash, SIGKILL) is simply run again at the next start; it is marked done only at the
 * end. Items that do not decode (stored before the hub validated readings) are skipped and
 * counted. References: docs/history.md, docs/design.md §2 (nodes, readings document). */
import type { Logger } from "../../shared/log";
import type { ReadingsDocument } from "../../shared/model";
import type { PubsubStore } from "../pubsub/storage/types";
import { parseElement } from "../pubsub/xml";
import type { HistoryStore } from "./types";

const READINGS_NODE_RE = /^devices\/([a-z0-9][a-z0-9-]{0,62})\/readings$/;
const PAGE = 500;

export interface BackfillDeps {
  store: Pick<PubsubStore, "listNodes" | "getItems">;
  history: HistoryStore;
  /** Decodes a stored readings payload element; undefined when it is not a valid document. */
  decode(payload: ReturnType<typeof parseElement>): ReadingsDocument | undefined;
  now(): number;
  log: Logger;
}

export interface BackfillResult {
  items: number;
  readings: number;
  skipped: number;
}

export async function backfillHistory(deps: BackfillDeps): Promise<BackfillResult> {
  const result: BackfillResult = { items: 0, readings: 0, skipped: 0 };
  for (const node of await deps.store.listNodes()) {
    const device = READINGS_NODE_RE.exec(node.id)?.[1];
    if (!device) continue;
    let after: string | undefined;
    for (;;) {
      const page = await deps.store.getItems(node.id, { limit: PAGE, ...(after ? { after } : {}) });
      for (const item of page.items) {
        result.items++;
        let doc: ReadingsDocument | undefined;
        try {
          doc = item.payload ? deps.decode(parseElement(item.payload)) : undefined;
        } catch {
          doc = undefined;
        }
        if (!doc || doc.dev !== device) {
          result.skipped++;
          continue;
        }
        result.readings += deps.history.add(device, doc.r, deps.now()).added;
      }
      const last = page.items.at(-1);
      if (page.items.length < PAGE || !last) break;
      after = last.id;
    }
  }
  deps.log.info(result, "readings items brought into history");
  return result;
}
