/* Composition of the hub's PubSub service: pure service, protocol routes, disco answers,
 * notifications, bounce handling, authorization answers and the item-expiry sweep.
 * References: XEP-0060, XEP-0030, XEP-0004 (§8.6 authorization forms arrive in <message/>),
 * XEP-0060 §13.2 and hub/access/rule.ts (the one access rule: notifications, items and disco ask
 * it when they answer).
 *
 * An IQ's answer follows the first slice of the notifications it caused (notify.ts): with up to
 * a slice of subscribers, they hear of a publish before the publisher hears its result, as before
 * pacing; a larger fan-out continues in paced slices after the answer. */

import xml, { type Element } from "@xmpp/xml";
import { hubJid } from "../../shared/jid";
import type { Logger } from "../../shared/log";
import { findForm, parseBoolean, parseForm } from "../../shared/xmpp/forms";
import { NS_PUBSUB, NS_PUBSUB_SUBSCRIBE_AUTHORIZATION } from "../../shared/xmpp/ns";
import { type AccessRule, createAccessRule, type DeviceReaders } from "../access/rule";
import type { DiscoContribution, IqRoute, SendStanza } from "../iq-types";
import { classifyBounce } from "./bounce";
import { createPubsubDisco, PUBSUB_DISCO } from "./disco";
import { renderLimit } from "./encodings";
import { errorOf } from "./handler-types";
import { createNotifier } from "./notify";
import { createPubsubRoutes } from "./protocol";
import { type NodeRules, withGenericRules } from "./rules";
import { createPubsubService, type PubsubService } from "./service";
import type { PubsubStore } from "./storage/types";
import type { Clock, PubsubServiceConfig } from "./types";

export interface PubsubDeps {
  store: PubsubStore;
  send: SendStanza;
  clock: Clock;
  log: Logger;
  config: PubsubServiceConfig;
  /** The service's JID; defaults to `hub.<domain>`. */
  jid?: string;
  /** How often expired items are swept (ms); default one minute. */
  sweepIntervalMs?: number;
  newId?: () => string;
  /** Policies beyond XEP-0060, e.g. the device-node rules (hub/devices/node-rules.ts). */
  rules?: NodeRules;
  /** The device registry's part of the access rule (hub/devices/service-access.ts readers()). */
  registry?: DeviceReaders;
  /** Notifications sent between two turns of the event loop (notify.ts); default 500. */
  sliceSize?: number;
  /** A round trip with the server, awaited between notification slices (notify.ts). */
  settle?: () => Promise<void>;
}

export interface Pubsub {
  service: PubsubService;
  /** The one access rule (hub/access/rule.ts), for other paths that send device data. */
  access: AccessRule;
  routes: IqRoute[];
  disco: DiscoContribution;
  /** disco#info with a node attribute: the whole <query/> or an <error/>. */
  nodeInfo(from: string, node: string): Promise<Element>;
  /** disco#items with a node attribute: the whole <query/> or an <error/>. */
  nodeItems(from: string, node: string): Promise<Element>;
  /** disco#items without a node: <item/> children listing the nodes the sender may see. */
  rootItems(from: string): Promise<Element[]>;
  /** Incoming <message type='error'/>: bounced notifications. */
  onMessageError(stanza: Element): Promise<void>;
  /** Incoming <message/> other than errors; true when it was a pubsub authorization answer. */
  onMessage(stanza: Element): Promise<boolean>;
  /** Resolves once every notification queued so far is sent. */
  idle(): Promise<void>;
  start(): void;
  stop(): void;
}

/** The rule's render, bounded as every rendered payload is (encodings.ts). */
function renderer(rules: NodeRules, limits: PubsubServiceConfig["limits"]) {
  const max = renderLimit(limits);
  const render = withGenericRules(rules).render;
  return (node: string, payload: string, encoding: string) => render(node, payload, encoding, max);
}

export function createPubsub(deps: PubsubDeps): Pubsub {
  const jid = deps.jid ?? hubJid(deps.config.domain);
  const log = deps.log;
  const access = createAccessRule({
    store: deps.store,
    admins: deps.config.admins,
    ...(deps.registry && { registry: deps.registry }),
  });
  const broadcaster = createNotifier({
    jid,
    send: deps.send,
    log,
    access,
    ...(deps.newId && { newId: deps.newId }),
    ...(deps.sliceSize !== undefined && { sliceSize: deps.sliceSize }),
    ...(deps.settle && { settle: deps.settle }),
    ...(deps.rules?.render && { render: renderer(deps.rules, deps.config.limits) }),
  });
  const service = createPubsubService({
    store: deps.store,
    broadcaster,
    clock: deps.clock,
    config: deps.config,
    ...(deps.newId && { newId: deps.newId }),
    ...(deps.rules && { rules: deps.rules }),
    onEventError: (error, event) =>
      log.error({ err: error, event: event.type, node: event.node }, "pubsub event listener failed"),
  });
  const disco = createPubsubDisco(service, access);
  const routes = createPubsubRoutes(service).map(
    (route): IqRoute => ({
      ...route,
      handler: async (iq) => {
        const reply = await route.handler(iq);
        await broadcaster.started();
        return reply;
      },
    }),
  );
  let timer: NodeJS.Timeout | undefined;

  async function onMessageError(stanza: Element): Promise<void> {
    const from = stanza.attrs.from as string | undefined;
    const decision = classifyBounce(stanza);
    if (decision.action === "keep" || from === undefined) {
      log.debug({ from, ...decision }, "pubsub notification bounced; subscription kept");
      return;
    }
    const dropped = await service.dropSubscriber(from);
    log.info(
      { from, condition: decision.condition, dropped },
      "pubsub subscriptions of an unreachable JID removed",
    );
  }

  /** XEP-0060 §8.6: an owner submits the authorization form in a message. */
  async function onMessage(stanza: Element): Promise<boolean> {
    const form = parseForm(findForm(stanza));
    if (!form || form.formType !== NS_PUBSUB_SUBSCRIBE_AUTHORIZATION || form.type !== "submit") return false;
    const node = form.fields.get("pubsub#node")?.[0];
    const subscriber = form.fields.get("pubsub#subscriber_jid")?.[0];
    const allow = parseBoolean(form.fields.get("pubsub#allow")?.[0]);
    const from = stanza.attrs.from as string;
    const result =
      subscriber === undefined || allow === undefined
        ? ({ ok: false, error: "bad-request" } as const)
        : await service.authorize(from, node, subscriber, allow);
    await broadcaster.started(); // as for IQs: the subscriber hears first
    if (!result.ok) {
      const id = stanza.attrs.id as string | undefined;
      await deps.send(
        xml("message", { from: jid, to: from, type: "error", ...(id && { id }) }, errorOf(result)),
      );
    }
    return true;
  }

  async function sweep(): Promise<void> {
    try {
      const removed = await service.sweepExpired();
      if (removed > 0) log.debug({ removed }, "expired pubsub items removed");
    } catch (error) {
      // The next sweep retries; expired items are already hidden from readers meanwhile.
      log.error({ err: error }, "pubsub expiry sweep failed");
    }
  }

  return {
    service,
    access,
    routes: guardItems(routes, access),
    disco: PUBSUB_DISCO,
    nodeInfo: (from, node) => disco.nodeInfo(from, node),
    nodeItems: (from, node) => disco.nodeItems(from, jid, node),
    rootItems: (from) => disco.rootItems(from, jid),
    onMessageError,
    onMessage,
    idle: () => broadcaster.idle(),
    start() {
      if (timer) return;
      timer = setInterval(() => void sweep(), deps.sweepIntervalMs ?? 60_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

/** Items requests ask the one access rule first (its registry part is not in the pure service);
 * a refusal is the error the service itself would give (§6.5.9). */
function guardItems(routes: IqRoute[], access: AccessRule): IqRoute[] {
  return routes.map((route) => {
    if (route.type !== "get" || route.ns !== NS_PUBSUB) return route;
    return {
      ...route,
      async handler(iq) {
        const node = iq.child.getChild("items")?.attrs.node as string | undefined;
        const refused = node === undefined ? undefined : await access.refusal(node, iq.from);
        if (refused) return errorOf(refused);
        return route.handler(iq);
      },
    };
  });
}
