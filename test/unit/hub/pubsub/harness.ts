/* The whole PubSub protocol edge over the in-memory store, with the hub's device-node rules:
 * IQs in, replies and sent stanzas out. */
import type { Element } from "@xmpp/xml";
import { createDeviceNodeRules } from "../../../../hub/devices/node-rules";
import { createPubsub } from "../../../../hub/pubsub/index";
import { createMemoryStore } from "../../../../hub/pubsub/storage/memory";
import { DEFAULT_LIMITS, type PubsubLimits } from "../../../../hub/pubsub/types";
import { silentLogger } from "../../../../shared/log";
import { iqContext, routeIq } from "../../../helpers/stanza";

export const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

export function harness(limits: Partial<PubsubLimits> = {}) {
  const store = createMemoryStore();
  const sent: Element[] = [];
  let now = T0;
  let n = 0;
  const pubsub = createPubsub({
    store,
    send: async (stanza) => {
      sent.push(stanza);
    },
    clock: { now: () => now },
    log: silentLogger(),
    config: {
      domain: "example.org",
      admins: ["admin@example.org"],
      allowLocalUsers: true,
      limits: { ...DEFAULT_LIMITS, ...limits },
    },
    newId: () => `id${++n}`,
    rules: createDeviceNodeRules({ domain: "example.org" }),
  });
  return {
    pubsub,
    store,
    sent,
    advance(ms: number) {
      now += ms;
    },
    get: (from: string, xml: string) => routeIq(pubsub.routes, iqContext("get", from, xml)),
    set: (from: string, xml: string) => routeIq(pubsub.routes, iqContext("set", from, xml)),
  };
}

export const PS = "http://jabber.org/protocol/pubsub";
export const PSO = "http://jabber.org/protocol/pubsub#owner";
export const EV = "http://jabber.org/protocol/pubsub#event";
export const ERR = "http://jabber.org/protocol/pubsub#errors";
export const ST = "urn:ietf:params:xml:ns:xmpp-stanzas";
