/* The PubSub service's typed events: what changed, told to listeners once the change is durably
 * stored. Notifications to subscribers are a separate concern (the broadcaster, notify.ts); these
 * events are for the hub's own parts (availability, metrics, …).
 * References: XEP-0060 §7.1 (publish), §7.2 (retract), §8.1 (create), §8.2 (configure), §8.4
 * (delete), §8.5 (purge), §4.1/§8.9 (affiliations), §4.2/§6.1/§8.8 (subscription states);
 * bjc/prosody util/pubsub.lua (service.events: item-published, node-deleted, …) for the shape.
 *
 * Each accepted change fires exactly one event, after the store acknowledged the write. An
 * idempotent republish to an append-only node changes nothing: it fires `republished`, never a
 * second `published`. Listeners may be async; the service waits for them before it answers, so
 * a listener sees the change before the requester hears about it. A failing listener is
 * reported to `onError` and neither stops the others nor undoes the change. */
import type { Affiliation, NodeConfig, SubscriptionState } from "./storage/types";

export interface ServiceEventMap {
  /** A new item was accepted (stored when the node persists items) and notified. */
  published: { node: string; id: string; publisher: string; payload: string; published: number };
  /** The same item again on an append-only node: acknowledged, nothing stored or notified. */
  republished: { node: string; id: string; publisher: string; payload: string };
  retracted: { node: string; id: string; actor: string };
  purged: { node: string; actor: string };
  /** A node exists; `owner` is its first owner affiliation. */
  created: { node: string; owner: string; config: NodeConfig };
  configured: { node: string; actor: string; config: NodeConfig };
  /** The node with its items, subscriptions and affiliations is gone. */
  "node-deleted": { node: string; actor: string; redirect?: string };
  /** `none`: the subscription was removed. */
  "subscription-changed": { node: string; jid: string; state: SubscriptionState | "none"; subid?: string };
  /** `none`: the affiliation was removed. */
  "affiliation-changed": { node: string; jid: string; affiliation: Affiliation };
}

export type ServiceEventType = keyof ServiceEventMap;
export type ServiceEventOf<K extends ServiceEventType> = { type: K } & ServiceEventMap[K];
export type ServiceEvent = { [K in ServiceEventType]: ServiceEventOf<K> }[ServiceEventType];
export type ServiceListener<K extends ServiceEventType> = (event: ServiceEventOf<K>) => void | Promise<void>;

/** What listeners see of the emitter. */
export interface ServiceEvents {
  /** Adds a listener; returns the function that removes it. */
  on<K extends ServiceEventType>(type: K, listener: ServiceListener<K>): () => void;
  off<K extends ServiceEventType>(type: K, listener: ServiceListener<K>): void;
}

export interface ServiceEmitter extends ServiceEvents {
  /** Runs every listener of the event's type; resolves when all have settled. */
  emit(event: ServiceEvent): Promise<void>;
  /** Listeners currently registered (all types). */
  listenerCount(): number;
}

type AnyListener = (event: ServiceEvent) => void | Promise<void>;
/** Listeners are stored by type: the one for `K` only ever receives events of type `K`. */
const erase = <K extends ServiceEventType>(listener: ServiceListener<K>): AnyListener =>
  listener as unknown as AnyListener;

export function createServiceEmitter(onError: (error: unknown, event: ServiceEvent) => void): ServiceEmitter {
  const listeners = new Map<ServiceEventType, Set<AnyListener>>();

  async function run(listener: AnyListener, event: ServiceEvent): Promise<void> {
    try {
      await listener(event);
    } catch (error) {
      onError(error, event);
    }
  }

  return {
    on(type, listener) {
      const set = listeners.get(type) ?? new Set<AnyListener>();
      listeners.set(type, set);
      set.add(erase(listener));
      return () => void set.delete(erase(listener));
    },
    off(type, listener) {
      listeners.get(type)?.delete(erase(listener));
    },
    async emit(event) {
      const set = listeners.get(event.type);
      if (!set || set.size === 0) return;
      await Promise.all([...set].map((listener) => run(listener, event)));
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
  };
}

export type ServiceHandlers = { [K in ServiceEventType]?: ServiceListener<K> };

/** A set of listeners with a symmetric lifecycle: start() adds them, stop() removes them. */
export function createServiceListener(events: ServiceEvents, handlers: ServiceHandlers) {
  let offs: Array<() => void> = [];
  return {
    start(): void {
      if (offs.length > 0) return;
      for (const type of Object.keys(handlers) as ServiceEventType[]) {
        const handler = handlers[type] as ServiceListener<typeof type> | undefined;
        if (handler) offs.push(events.on(type, handler));
      }
    },
    stop(): void {
      for (const off of offs) off();
      offs = [];
    },
  };
}

export type ServiceListenerHandle = ReturnType<typeof createServiceListener>;
