/* The availability tracker over the hub's real parts: pings through the component's IQ caller,
 * publishes through the PubSub service as the hub, and the last item read back from storage.
 * References: XEP-0199 §4.2 (ping a client; an error other than feature-not-implemented, or no
 * answer, means the session is gone), XEP-0060 §7.1 (publish), docs/design.md §2 (availability node).
 * Readings publishes come from the PubSub service's events (observe.ts) while started. */
import xml from "@xmpp/xml";
import type { Logger } from "../../shared/log";
import { availabilityNode, readingsNode } from "../../shared/model";
import { type IqCaller, IqTimeoutError } from "../../shared/xmpp/iq-caller";
import { NS_PING } from "../../shared/xmpp/ns";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import type { PubsubService } from "../pubsub/service";
import type { PubsubStore } from "../pubsub/storage/types";
import { parseElement } from "../pubsub/xml";
import { watchReadings } from "./observe";
import {
  AVAILABILITY_ITEM_ID,
  type AvailabilityPayload,
  makeAvailability,
  parseAvailability,
} from "./payload";
import { type AvailabilityConfig, createAvailability, type PingOutcome } from "./tracker";

export interface HubAvailabilityDeps {
  config: AvailabilityConfig;
  hubJid: string;
  domain: string;
  iq: IqCaller;
  pubsub: PubsubService;
  store: PubsubStore;
  isDevice(id: string): Promise<boolean>;
  log: Logger;
}

export function createHubAvailability(deps: HubAvailabilityDeps) {
  const { hubJid, log } = deps;

  async function ping(fullJid: string, timeoutMs: number): Promise<PingOutcome> {
    const request = xml("iq", { type: "get", to: fullJid, from: hubJid }, xml("ping", { xmlns: NS_PING }));
    try {
      await deps.iq.request(request, timeoutMs);
      return "alive";
    } catch (error) {
      // XEP-0199 §4.2: an entity that does not support ping still answered, so it is there.
      if (error instanceof StanzaError && error.condition === "feature-not-implemented") return "alive";
      if (error instanceof StanzaError || error instanceof IqTimeoutError) return "gone";
      // The hub's own link failed (the IQ caller rejects everything pending): nothing learnt.
      log.debug({ err: error, jid: fullJid }, "ping not answered: the hub's link is down");
      return "unknown";
    }
  }

  async function publish(id: string, payload: AvailabilityPayload): Promise<void> {
    const r = await deps.pubsub.publish(hubJid, availabilityNode(id), {
      id: AVAILABILITY_ITEM_ID,
      payload: makeAvailability(payload).toString(),
    });
    if (!r.ok) throw new Error(`publishing availability of ${id}: ${r.error}`);
  }

  async function load(id: string): Promise<AvailabilityPayload | undefined> {
    const item = await deps.store.lastItem(availabilityNode(id));
    if (!item?.payload) return undefined;
    try {
      return parseAvailability(parseElement(item.payload));
    } catch (error) {
      // A damaged stored item only means the state is republished at the next change.
      log.warn({ err: error, device: id }, "stored availability item unreadable");
      return undefined;
    }
  }

  const tracker = createAvailability({
    config: deps.config,
    clock: { now: () => Date.now() },
    domain: deps.domain,
    isDevice: deps.isDevice,
    ping,
    publish,
    load,
    log,
  });

  const readings = watchReadings(deps.pubsub.events, tracker.onReading);

  return {
    tracker,
    /** Listens to readings publishes and starts the tracker's schedule; stop() undoes both. */
    start(): void {
      readings.start();
      tracker.start();
    },
    stop(): void {
      tracker.stop();
      readings.stop();
    },
    /** Availability and last reading of a device, for listings. */
    async status(id: string): Promise<{ availability?: string; since?: number; lastReading?: number }> {
      const last = await deps.store.lastItem(readingsNode(id));
      const live = tracker.status(id);
      const stored = live.availability === undefined ? await load(id) : undefined;
      const availability = live.availability ?? stored?.state;
      const since = live.since ?? stored?.since;
      return {
        ...(availability !== undefined && { availability, since }),
        ...(last && { lastReading: last.published }),
      };
    },
  };
}
