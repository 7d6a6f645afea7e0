/* Handlers: create, and the owner namespace (configure, default, delete, purge, subscriptions,
 * affiliations).
 * References: XEP-0060 §8.1 (create, §8.1.2 instant nodes, §8.1.3 with configuration), §8.2,
 * §8.3, §8.4, §8.5, §8.8, §8.9; XEP-0059 §2 (owner lists are paged by bytes, docs/design.md §6). */
import xml from "@xmpp/xml";
import { makeError } from "../../shared/xmpp/errors";
import { findForm } from "../../shared/xmpp/forms";
import { makeConfigForm, parseConfigForm } from "./config-form";
import {
  attr,
  errorOf,
  type PubsubHandler,
  pagedList,
  pubsub,
  pubsubOwner,
  replyWith,
} from "./handler-types";
import type { SubscriptionChange } from "./service-owner";
import type { Affiliation } from "./storage/types";

export const create: PubsubHandler = async ({ iq, action, pubsub: ps, service }) => {
  const node = attr(action, "node");
  const config = parseConfigForm(findForm(ps.getChild("configure")));
  if (config === "cancel") return makeError("not-acceptable");
  if (!config.ok) return errorOf(config);
  const result = await service.create(iq.from, node === "" ? undefined : node, config.value);
  // §8.1.2: the name of an instant node is returned; a named node gets an empty result.
  return replyWith(result, (created) => (node ? undefined : pubsub(xml("create", { node: created }))));
};

export const getConfigure: PubsubHandler = async ({ iq, action, service }) => {
  const node = attr(action, "node");
  const result = await service.getConfig(iq.from, node);
  return replyWith(result, (config) => pubsubOwner(xml("configure", { node }, makeConfigForm(config))));
};

export const setConfigure: PubsubHandler = async ({ iq, action, service }) => {
  const node = attr(action, "node");
  const form = findForm(action);
  if (!form) return makeError("bad-request");
  const changes = parseConfigForm(form);
  if (changes === "cancel" || !changes.ok) {
    // §8.2.6: a cancelled form changes nothing; an invalid one is refused — both after the owner check.
    const owner = await service.getConfig(iq.from, node);
    if (!owner.ok || changes === "cancel") return replyWith(owner, () => undefined);
    return errorOf(changes);
  }
  return replyWith(await service.configure(iq.from, node, changes.value), () => undefined);
};

export const getDefault: PubsubHandler = async ({ service }) => {
  const result = service.defaultConfig();
  return replyWith(result, (config) => pubsubOwner(xml("default", {}, makeConfigForm(config))));
};

export const deleteNode: PubsubHandler = async ({ iq, action, service }) => {
  const redirect = attr(action.getChild("redirect"), "uri");
  const result = await service.deleteNode(iq.from, attr(action, "node"), redirect);
  return replyWith(result, () => undefined);
};

export const purge: PubsubHandler = async ({ iq, action, service }) =>
  replyWith(await service.purge(iq.from, attr(action, "node")), () => undefined);

/** §8.8.1, paged by bytes (XEP-0059): the cursor of a subscription is its subid. */
export const getSubscriptions: PubsubHandler = async (args) => {
  const node = attr(args.action, "node");
  const result = await args.service.ownerSubscriptions(args.iq.from, node);
  return replyWith(result, (subs) =>
    pagedList(
      args,
      subs.map((s) => xml("subscription", { jid: s.jid, subscription: s.state, subid: s.subid })),
      (el) => attr(el, "subid") ?? "",
      (page, set) => pubsubOwner(xml("subscriptions", { node }, ...page), ...(set ? [set] : [])),
    ),
  );
};

export const setSubscriptions: PubsubHandler = async ({ iq, action, service }) => {
  const changes: SubscriptionChange[] = [];
  for (const el of action.getChildren("subscription")) {
    const jid = attr(el, "jid");
    const state = attr(el, "subscription");
    if (jid === undefined) return makeError("jid-required");
    if (state !== "subscribed" && state !== "none") return makeError("bad-request");
    changes.push({ jid, state });
  }
  return replyWith(
    await service.modifySubscriptions(iq.from, attr(action, "node"), changes),
    () => undefined,
  );
};

/** §8.9.1, paged by bytes (XEP-0059): the cursor of an affiliation is its JID. */
export const getAffiliations: PubsubHandler = async (args) => {
  const node = attr(args.action, "node");
  const result = await args.service.ownerAffiliations(args.iq.from, node);
  return replyWith(result, (affs) =>
    pagedList(
      args,
      [...affs].map(([jid, affiliation]) => xml("affiliation", { jid, affiliation })),
      (el) => attr(el, "jid") ?? "",
      (page, set) => pubsubOwner(xml("affiliations", { node }, ...page), ...(set ? [set] : [])),
    ),
  );
};

export const setAffiliations: PubsubHandler = async ({ iq, action, service }) => {
  const changes: Array<{ jid: string; affiliation: Affiliation }> = [];
  for (const el of action.getChildren("affiliation")) {
    const jid = attr(el, "jid");
    const affiliation = attr(el, "affiliation");
    if (jid === undefined) return makeError("jid-required");
    if (affiliation === undefined) return makeError("bad-request");
    changes.push({ jid, affiliation: affiliation as Affiliation });
  }
  return replyWith(await service.modifyAffiliations(iq.from, attr(action, "node"), changes), () => undefined);
};
