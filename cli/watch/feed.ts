/* The readings `xiot watch` prints: the device's meta for units, stored history since a time
 * (XEP-0059 pages, newest first, until older than asked), then live notifications; each reading
 * once, however history and notifications overlap.
 * References: XEP-0060 §6.1 (subscribe), §6.5 (items), §7.1.2.1 (notifications), XEP-0059 §2.2
 * (paging with <after/>), docs/design.md §2 (readings document, meta). */
import xml, { type Element } from "@xmpp/xml";
import { bareOf } from "../../shared/jid";
import { metaNode, readingsNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeItems, makeSubscribe, parseItemsResult } from "../../shared/xmpp/pubsub";
import { decodeReadings, parseMeta } from "../../shared/xmpp/pubsub-device";
import { parseItemsEvent } from "../../shared/xmpp/pubsub-events";
import type { WatchLine, WatchTarget } from "./format";

export const PAGE_SIZE = 100;

export interface WatchFeedDeps {
  connection: Pick<ClientConnection, "request" | "send" | "jid" | "xmpp">;
  hub: string;
  target: WatchTarget;
  print(line: WatchLine): void;
  /** Items that could not be read are reported, never fatal. */
  warn(message: string): void;
}

export function createWatchFeed(deps: WatchFeedDeps) {
  const { connection, hub, target } = deps;
  const node = readingsNode(target.device);
  const units = new Map<string, string>();
  const seen = new Set<string>();
  /** Live readings wait here while the history is printed, so output stays in time order. */
  let held: WatchLine[] | undefined = [];
  const emit = (line: WatchLine) => (held ? held.push(line) : deps.print(line));

  function linesOf(item: Element): WatchLine[] {
    const id = String(item.attrs.id ?? "");
    if (seen.has(id)) return [];
    seen.add(id);
    const doc = decodeReadings(item);
    if (!doc.ok) {
      deps.warn(`item ${id} could not be read: ${doc.error}`);
      return [];
    }
    if (doc.value.gap) deps.warn(`${doc.value.gap.n} readings were lost before item ${id}`);
    return doc.value.r
      .filter((r) => target.channel === undefined || r.c === target.channel)
      .map((r) => {
        const unit = units.get(r.c);
        return {
          device: target.device,
          channel: r.c,
          t: r.t,
          v: r.v,
          ...(unit && { unit }),
          ...(r.q && { q: r.q }),
          item: id,
        };
      });
  }

  return {
    async loadMeta(): Promise<void> {
      const answer = await connection.request(makeItems(hub, metaNode(target.device), { maxItems: 1 }));
      const item = parseItemsResult(answer).items[0];
      const meta = item && parseMeta(item);
      for (const c of meta?.channels ?? []) if (c.unit) units.set(c.name, c.unit);
      if (target.channel && meta && !meta.channels.some((c) => c.name === target.channel)) {
        const names = meta.channels.map((c) => c.name).join(", ");
        deps.warn(`${target.device} has no channel ${target.channel} in its meta (channels: ${names})`);
      }
    },

    /** Prints the stored readings taken at or after `since`, oldest first. */
    async history(since: number): Promise<void> {
      const lines: WatchLine[] = [];
      let after: string | undefined;
      for (;;) {
        const request = makeItems(hub, node, { page: { max: PAGE_SIZE, after } });
        const page = parseItemsResult(await connection.request(request));
        let older = false;
        for (const item of page.items) {
          const found = linesOf(item);
          if (found.length > 0 && found.every((l) => l.t < since)) older = true;
          lines.push(...found.filter((l) => l.t >= since));
        }
        if (older || page.items.length < PAGE_SIZE || page.last === undefined) break;
        after = page.last;
      }
      for (const line of lines.sort((a, b) => a.t - b.t)) deps.print(line);
    },

    /** Subscribes (bare JID, as any subscriber) and prints every new reading. */
    async live(): Promise<void> {
      connection.xmpp.on("stanza", (stanza: Element) => {
        if (stanza.name !== "message" || stanza.attrs.from !== hub) return;
        const event = parseItemsEvent(stanza);
        if (event?.node !== node) return;
        for (const item of event.items) for (const line of linesOf(item)) emit(line);
      });
      await connection.send(xml("presence"));
      await connection.request(makeSubscribe(hub, node, bareOf(connection.jid())));
    },

    /** Prints the live readings held so far, and every later one at once. */
    release(): void {
      const waiting = held ?? [];
      held = undefined;
      for (const line of waiting.sort((a, b) => a.t - b.t)) deps.print(line);
    },
  };
}
