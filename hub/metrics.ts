/* The hub's Prometheus metrics (prom-client). Other parts report through small hooks
 * (`published`, `delivered`, `commandOutcome`); gauges that describe stored state (subscribers,
 * devices online, storage size) are read from their sources when scraped.
 * References: XEP-0060 §7.1.2 (a publish succeeded when its answer is no error), §7.1.2.1
 * (notifications), Prometheus exposition format 0.0.4 (text), prom-client 15 (Registry, collect). */

import { statSync } from "node:fs";
import type { Element } from "@xmpp/xml";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { parseDeviceNode } from "../shared/model";
import { NS_PUBSUB, NS_PUBSUB_EVENT } from "../shared/xmpp/ns";
import type { IqRoute, SendStanza } from "./iq-types";

/** Where the scrape-time gauges come from; each may be absent (the gauge then stays at 0). */
export interface MetricsSources {
  /** Subscriptions over all nodes. */
  subscribers?: () => Promise<number>;
  /** Devices whose availability is `online`. */
  devicesOnline?: () => Promise<number>;
  /** Files whose sizes add up to the storage size (SQLite databases with their WAL files). */
  storageFiles?: () => string[];
}

export interface HubMetrics {
  readonly registry: Registry;
  /** An acknowledged publish of `items` items to `node`. */
  published(node: string, items?: number): void;
  /** Notifications sent to subscribers (one per message). */
  delivered(count?: number): void;
  /** One command's definitive outcome (`done`, `refused`, `offline`, `expired`, `timeout`, `failed`). */
  commandOutcome(kind: string): void;
  /** The Prometheus text of every metric. */
  text(): Promise<string>;
  readonly contentType: string;
}

/** The node kind used as a label: `readings`, `state`, `meta`, `availability` or `other`. */
export function nodeKind(node: string): string {
  return parseDeviceNode(node)?.kind ?? "other";
}

export function fileSizes(files: string[]): number {
  let total = 0;
  for (const file of files) {
    try {
      total += statSync(file).size;
    } catch {
      // Why: a WAL or journal file exists only part of the time; a missing file is 0 bytes.
    }
  }
  return total;
}

export function createHubMetrics(
  sources: MetricsSources = {},
  options: { defaults?: boolean } = {},
): HubMetrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: "xiot_hub_" });
  const publishes = new Counter({
    name: "xiot_pubsub_publishes_total",
    help: "Items published and acknowledged, by node kind",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "xiot_pubsub_deliveries_total",
    help: "PubSub notifications sent to subscribers",
    registers: [registry],
  });
  const outcomes = new Counter({
    name: "xiot_commands_total",
    help: "Actuator commands by outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const gauge = (name: string, help: string, read: (() => Promise<number>) | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        if (read) this.set(await read());
      },
    });
  gauge("xiot_pubsub_subscriptions", "PubSub subscriptions over all nodes", sources.subscribers);
  gauge("xiot_devices_online", "Devices whose availability is online", sources.devicesOnline);
  const files = sources.storageFiles;
  gauge(
    "xiot_storage_bytes",
    "Size of the hub's databases on disk",
    files && (async () => fileSizes(files())),
  );
  return {
    registry,
    published: (node, items = 1) => publishes.inc({ kind: nodeKind(node) }, items),
    delivered: (count = 1) => deliveries.inc(count),
    commandOutcome: (kind) => outcomes.inc({ outcome: kind }),
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** The same routes; an acknowledged `<publish/>` also counts as published. */
export function meterPublishes(routes: IqRoute[], metrics: Pick<HubMetrics, "published">): IqRoute[] {
  return routes.map((route) => {
    if (route.type !== "set" || route.ns !== NS_PUBSUB || route.name !== "pubsub") return route;
    return {
      ...route,
      handler: async (iq) => {
        const answer = await route.handler(iq);
        const publish = iq.child.getChild("publish");
        if (publish && answer?.name !== "error") {
          metrics.published(
            String(publish.attrs.node ?? ""),
            Math.max(1, publish.getChildren("item").length),
          );
        }
        return answer;
      },
    };
  });
}

/** The same sender; every notification carrying items counts as one delivery once sent. */
export function meterDeliveries(send: SendStanza, metrics: Pick<HubMetrics, "delivered">): SendStanza {
  return async (stanza: Element) => {
    await send(stanza);
    if (stanza.name !== "message") return;
    const items = stanza.getChild("event", NS_PUBSUB_EVENT)?.getChild("items");
    if (items?.getChild("item")) metrics.delivered();
  };
}

/** Subscriptions over every node of a store. */
export async function countAllSubscriptions(store: {
  listNodes(): Promise<readonly { id: string }[]>;
  countSubscriptions(node: string): Promise<number>;
}): Promise<number> {
  let total = 0;
  for (const node of await store.listNodes()) total += await store.countSubscriptions(node.id);
  return total;
}
