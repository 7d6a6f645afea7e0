/* The hub's Prometheus metrics (prom-client). Other parts report through small hooks
 * (`published`, fed by the PubSub service's events; `delivered`; `commandOutcome`); gauges
 * that describe stored state (subscribers, devices online, storage size) are read from their
 * sources when scraped.
 * References: XEP-0060 §7.1.2 (an accepted publish), hub/pubsub/events.ts, §7.1.2.1
 * (notifications), Prometheus exposition format 0.0.4 (text), prom-client 15 (Registry, collect). */

import { statSync } from "node:fs";
import type { Element } from "@xmpp/xml";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { bareOf, normalizeJid } from "../shared/jid";
import { parseDeviceNode } from "../shared/model";
import { NS_PUBSUB_EVENT } from "../shared/xmpp/ns";
import type { SendStanza } from "./iq-types";
import { createServiceListener, type ServiceEvents, type ServiceListenerHandle } from "./pubsub/events";

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
  /** One command's definitive outcome (`done`, `refused`, `offline`, `expired`, `timeout`, `failed`).
   * By outcome only: the device's refusals (clock unknown, stamped in the future, a newer command
   * ran) are `refused`, their reason is in the control log. */
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

export interface PublishMeterDeps {
  events: ServiceEvents;
  metrics: Pick<HubMetrics, "published">;
  /** A publisher whose publishes are not counted: the hub itself (its availability items answer
   * no request). */
  ignore?: string;
}

/** Counts every publish the PubSub service accepted (republishes too: they were acknowledged)
 * while started; stop() removes its listeners. */
export function countPublishes({ events, metrics, ignore }: PublishMeterDeps): ServiceListenerHandle {
  const ignored = ignore === undefined ? undefined : normalizeJid(ignore)?.bare;
  const count = (event: { node: string; publisher: string }): void => {
    if (ignored !== undefined && bareOf(event.publisher) === ignored) return;
    metrics.published(event.node);
  };
  return createServiceListener(events, { published: count, republished: count });
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
