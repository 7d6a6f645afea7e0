/* The PubSub protocol edge: <pubsub/> and <pubsub xmlns='…#owner'/> IQs are routed to one
 * handler per action, found in a table keyed "<type>:<action>" (owner actions "owner:<type>:<action>").
 * References: XEP-0060 §5–§8 (use cases), RFC 6120 §8.2.3 (one reply per IQ). */
import type { Element } from "@xmpp/xml";
import { makeError } from "../../shared/xmpp/errors";
import { NS_PUBSUB, NS_PUBSUB_OWNER } from "../../shared/xmpp/ns";
import type { IqContext, IqRoute } from "../iq-types";
import type { PubsubHandler } from "./handler-types";
import * as items from "./handlers-items";
import * as owner from "./handlers-owner";
import * as subs from "./handlers-subscriptions";
import type { PubsubService } from "./service";

export const HANDLERS: Readonly<Record<string, PubsubHandler>> = {
  "set:publish": items.publish,
  "set:retract": items.retract,
  "get:items": items.items,
  "set:create": owner.create,
  "set:subscribe": subs.subscribe,
  "set:unsubscribe": subs.unsubscribe,
  "get:options": subs.getOptions,
  "set:options": subs.setOptions,
  "get:subscriptions": subs.subscriptions,
  "get:affiliations": subs.affiliations,
  "owner:get:configure": owner.getConfigure,
  "owner:set:configure": owner.setConfigure,
  "owner:get:default": owner.getDefault,
  "owner:set:delete": owner.deleteNode,
  "owner:set:purge": owner.purge,
  "owner:get:subscriptions": owner.getSubscriptions,
  "owner:set:subscriptions": owner.setSubscriptions,
  "owner:get:affiliations": owner.getAffiliations,
  "owner:set:affiliations": owner.setAffiliations,
};

/** Feature names for action elements this service does not implement (XEP-0060 §10). */
const UNSUPPORTED_FEATURES: Readonly<Record<string, string>> = {
  default: "retrieve-default-sub",
  collection: "collections",
};

function dispatch(
  service: PubsubService,
  prefix: string,
  iq: IqContext,
): Promise<Element | undefined> | Element {
  const action = iq.child.getChildElements()[0];
  if (!action) return makeError("bad-request");
  const handler = HANDLERS[`${prefix}${iq.type}:${action.name}`];
  if (handler) return handler({ iq, action, pubsub: iq.child, service });
  const inNamespace = (k: string) => (prefix ? k.startsWith(prefix) : !k.startsWith("owner:"));
  const known = Object.keys(HANDLERS).some((k) => inNamespace(k) && k.endsWith(`:${action.name}`));
  if (known) return makeError("bad-request"); // a known action with the wrong IQ type
  return makeError("unsupported", { feature: UNSUPPORTED_FEATURES[action.name] ?? action.name });
}

/** IQ routes for the hub's router: both namespaces, get and set. */
export function createPubsubRoutes(service: PubsubService): IqRoute[] {
  const route = (type: "get" | "set", ns: string, prefix: string): IqRoute => ({
    type,
    ns,
    name: "pubsub",
    handler: (iq) => dispatch(service, prefix, iq),
  });
  return [
    route("get", NS_PUBSUB, ""),
    route("set", NS_PUBSUB, ""),
    route("get", NS_PUBSUB_OWNER, "owner:"),
    route("set", NS_PUBSUB_OWNER, "owner:"),
  ];
}
