/* The owner's side of PubSub: create, configure, delete and purge nodes, manage subscriptions and
 * affiliations. Pure make/parse functions (the shared pieces are in pubsub.ts).
 * References: XEP-0060 §8.1 (create: §8.1.2 instant node, §8.1.3 create and configure), §8.2
 * (configure), §8.4 (delete), §8.5 (purge), §8.8 (manage subscriptions), §8.9 (manage
 * affiliations), §16.4 (pubsub#node_config). Prosody 0.12 refuses a <configure/> without a form,
 * so a create without fields sends none. */
import xml, { type Element } from "@xmpp/xml";
import { findForm, type ParsedForm, parseForm } from "./forms";
import { NS_PUBSUB, NS_PUBSUB_NODE_CONFIG, NS_PUBSUB_OWNER } from "./ns";
import { makePubsubIq, makeSubmitForm, type PubsubFields } from "./pubsub";

// XEP-0060 §8.1.1; no node asks for an instant node (§8.1.2); config fields create and configure
// at once (§8.1.3).
export function makeCreate(to: string, node?: string, config?: PubsubFields): Element {
  const create = xml("create", node === undefined ? {} : { node });
  const fields = config && Object.keys(config).length > 0 ? config : undefined;
  const configure = fields ? [xml("configure", {}, makeSubmitForm(NS_PUBSUB_NODE_CONFIG, fields))] : [];
  return makePubsubIq("set", to, NS_PUBSUB, create, ...configure);
}

// XEP-0060 §8.2.1 (request the configuration form); §8.2.4 (submit it) when fields are given.
export function makeConfigure(to: string, node: string, fields?: PubsubFields): Element {
  if (fields === undefined) return makePubsubIq("get", to, NS_PUBSUB_OWNER, xml("configure", { node }));
  const form = makeSubmitForm(NS_PUBSUB_NODE_CONFIG, fields);
  return makePubsubIq("set", to, NS_PUBSUB_OWNER, xml("configure", { node }, form));
}

// XEP-0060 §8.4.1; a redirect URI names the node that replaces it.
export function makeDelete(to: string, node: string, redirect?: string): Element {
  const uri = redirect === undefined ? [] : [xml("redirect", { uri: redirect })];
  return makePubsubIq("set", to, NS_PUBSUB_OWNER, xml("delete", { node }, ...uri));
}

// XEP-0060 §8.5.1.
export const makePurge = (to: string, node: string): Element =>
  makePubsubIq("set", to, NS_PUBSUB_OWNER, xml("purge", { node }));

// XEP-0060 §8.8.1 (retrieve); §8.8.2 (modify) when states by JID are given.
export function makeNodeSubscriptions(to: string, node: string, states?: Record<string, string>): Element {
  if (states === undefined) return makePubsubIq("get", to, NS_PUBSUB_OWNER, xml("subscriptions", { node }));
  const list = Object.entries(states).map(([jid, subscription]) =>
    xml("subscription", { jid, subscription }),
  );
  return makePubsubIq("set", to, NS_PUBSUB_OWNER, xml("subscriptions", { node }, ...list));
}

// XEP-0060 §8.9.1 (retrieve); §8.9.2 (modify) when affiliations by JID are given.
export function makeNodeAffiliations(to: string, node: string, members?: Record<string, string>): Element {
  if (members === undefined) return makePubsubIq("get", to, NS_PUBSUB_OWNER, xml("affiliations", { node }));
  const list = Object.entries(members).map(([jid, affiliation]) => xml("affiliation", { jid, affiliation }));
  return makePubsubIq("set", to, NS_PUBSUB_OWNER, xml("affiliations", { node }, ...list));
}

// XEP-0060 §8.1.2: the name the service gave an instant node (absent when it kept the asked one).
export function parseCreatedNode(result: Element): string | undefined {
  const node = result.getChild("pubsub", NS_PUBSUB)?.getChild("create")?.attrs.node;
  return node === undefined ? undefined : String(node);
}

// XEP-0060 §8.2.1: the node's configuration form (FORM_TYPE apart, fields by var).
export const parseNodeConfig = (result: Element): ParsedForm | undefined =>
  parseForm(findForm(result.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("configure")));
