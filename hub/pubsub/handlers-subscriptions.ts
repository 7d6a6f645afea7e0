/* Handlers: subscribe, unsubscribe, subscription options, own subscriptions and affiliations.
 * References: XEP-0060 §6.1, §6.2, §6.3 (options, §6.3.7 subscribe and configure), §5.6, §5.7;
 * XEP-0059 §2 (the lists are paged by bytes, docs/design.md §6). */
import xml, { type Element } from "@xmpp/xml";
import { makeError } from "../../shared/xmpp/errors";
import { type FormField, findForm, makeForm, parseForm } from "../../shared/xmpp/forms";
import { NS_PUBSUB_SUBSCRIBE_OPTIONS } from "../../shared/xmpp/ns";
import { attr, attrs, type PubsubHandler, pagedList, pubsub, replyWith } from "./handler-types";
import { ENCODING_OPTION, PUBLISHED } from "./rules";
import type { SubscriptionOptions } from "./service-subscriptions";
import type { SubscriptionRecord } from "./storage/types";

/** A submitted subscribe_options form → options; undefined when malformed. */
function parseOptionsForm(el: Element | undefined): SubscriptionOptions | undefined {
  const form = parseForm(el);
  if (form?.type !== "submit") return undefined;
  if (form.formType !== undefined && form.formType !== NS_PUBSUB_SUBSCRIBE_OPTIONS) return undefined;
  return Object.fromEntries(form.fields);
}

export const makeSubscription = (sub: SubscriptionRecord, withNode = true): Element =>
  xml("subscription", {
    ...(withNode && { node: sub.node }),
    jid: sub.jid,
    subid: sub.subid,
    subscription: sub.state,
  });

export const subscribe: PubsubHandler = async ({ iq, action, pubsub: ps, service }) => {
  const node = attr(action, "node");
  if (node === undefined) return makeError("nodeid-required");
  const formEl = findForm(ps.getChild("options"));
  const options = formEl ? parseOptionsForm(formEl) : {};
  if (!options) return makeError("invalid-options"); // §6.3.6.2
  const result = await service.subscribe(iq.from, node, attr(action, "jid"), options);
  return replyWith(result, (sub) => pubsub(makeSubscription(sub)));
};

export const unsubscribe: PubsubHandler = async ({ iq, action, service }) => {
  const node = attr(action, "node");
  if (node === undefined) return makeError("nodeid-required");
  const result = await service.unsubscribe(iq.from, node, attr(action, "jid"), attr(action, "subid"));
  return replyWith(result, () => undefined);
};

export const getOptions: PubsubHandler = async ({ iq, action, service }) => {
  const node = attr(action, "node");
  if (node === undefined) return makeError("nodeid-required");
  const jid = attr(action, "jid");
  const subid = attr(action, "subid");
  const result = await service.getOptions(iq.from, node, jid, subid);
  return replyWith(result, ({ options, encodings }) =>
    pubsub(xml("options", attrs({ node, jid, subid }), optionsForm(options, encodings))),
  );
};

/** §6.3.2: the options form, with ENCODING_OPTION where the node offers encodings (its first
 * value, `published`, is the default: payloads as they were published). */
function optionsForm(options: Record<string, string[]>, encodings: readonly string[]): Element {
  const deliver = options["pubsub#deliver"]?.[0];
  const fields: FormField[] = [
    {
      var: "pubsub#deliver",
      type: "boolean",
      label: "Enable delivery?",
      values: [deliver === "false" || deliver === "0" ? "0" : "1"],
    },
  ];
  if (encodings.length > 0)
    fields.push({
      var: ENCODING_OPTION,
      type: "list-single",
      label: "Encoding of the payloads",
      values: options[ENCODING_OPTION] ?? [PUBLISHED],
      options: [PUBLISHED, ...encodings].map((value) => ({ value })),
    });
  return makeForm({ type: "form", formType: NS_PUBSUB_SUBSCRIBE_OPTIONS, fields });
}

export const setOptions: PubsubHandler = async ({ iq, action, service }) => {
  const node = attr(action, "node");
  if (node === undefined) return makeError("nodeid-required");
  const options = parseOptionsForm(findForm(action));
  if (!options) return makeError("invalid-options");
  const result = await service.setOptions(iq.from, node, attr(action, "jid"), options, attr(action, "subid"));
  return replyWith(result, () => undefined);
};

/** §5.6, paged by bytes (XEP-0059): the cursor of a subscription is its subid. */
export const subscriptions: PubsubHandler = async (args) => {
  const node = attr(args.action, "node");
  const result = await args.service.mySubscriptions(args.iq.from, node);
  return replyWith(result, (subs) =>
    pagedList(
      args,
      subs.map((s) => makeSubscription(s)),
      (el) => attr(el, "subid") ?? "",
      (page, set) => pubsub(xml("subscriptions", attrs({ node }), ...page), ...(set ? [set] : [])),
    ),
  );
};

/** §5.7, paged by bytes (XEP-0059): the cursor of an affiliation is its node. */
export const affiliations: PubsubHandler = async (args) => {
  const node = attr(args.action, "node");
  const result = await args.service.myAffiliations(args.iq.from, node);
  return replyWith(result, (affs) =>
    pagedList(
      args,
      affs.map((a) => xml("affiliation", { node: a.node, affiliation: a.affiliation })),
      (el) => attr(el, "node") ?? "",
      (page, set) => pubsub(xml("affiliations", attrs({ node }), ...page), ...(set ? [set] : [])),
    ),
  );
};
