/* The shape of one PubSub protocol handler and helpers every handler uses.
 * References: XEP-0059 §2 (paging a list), docs/design.md §6 (replies bounded by bytes). */
import xml, { type Element } from "@xmpp/xml";
import { elementBytes, envelopeBytes, pageList, xmlBytes } from "../../shared/xmpp/budget";
import { makeError } from "../../shared/xmpp/errors";
import { NS_PUBSUB, NS_PUBSUB_OWNER } from "../../shared/xmpp/ns";
import { makeRsmSet, parseRsm } from "../../shared/xmpp/rsm";
import type { IqContext } from "../iq-types";
import type { PubsubService } from "./service";
import type { Fail, Result } from "./types";

export interface HandlerArgs {
  iq: IqContext;
  /** The action element, e.g. <publish/>. */
  action: Element;
  /** The <pubsub/> element that carries it (siblings such as <options/>, <configure/>, <set/>). */
  pubsub: Element;
  service: PubsubService;
}

/** Returns the result payload, undefined for an empty result, or an <error/>. */
export type PubsubHandler = (args: HandlerArgs) => Promise<Element | undefined>;

export const errorOf = (f: Fail): Element =>
  makeError(f.error, {
    ...(f.feature !== undefined && { feature: f.feature }),
    ...(f.text !== undefined && { text: f.text }),
  });

/** The error element for a failed result, or the built reply for a successful one. */
export function replyWith<T>(
  result: Result<T>,
  build: (value: T) => Element | undefined,
): Element | undefined {
  return result.ok ? build(result.value) : errorOf(result);
}

export const pubsub = (...children: Element[]): Element => xml("pubsub", { xmlns: NS_PUBSUB }, ...children);
export const pubsubOwner = (...children: Element[]): Element =>
  xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, ...children);

/** An attribute as a string, or undefined when absent. */
export const attr = (el: Element | undefined, name: string): string | undefined => {
  const v = el?.attrs[name];
  return typeof v === "string" ? v : undefined;
};

/** Copies only the attributes that are defined. */
export function attrs(map: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * A list reply within the reply budget: `wrap` gets one page of `entries` (RSM cursors from
 * `keyOf`, asked for in a <set/> of the <pubsub/>) and, when the list was paged or cut, the
 * RSM <set/> to put beside it. Bad RSM is bad-request; an unknown cursor item-not-found.
 */
export function pagedList(
  args: Pick<HandlerArgs, "iq" | "pubsub" | "service">,
  entries: Element[],
  keyOf: (entry: Element) => string,
  wrap: (page: Element[], set: Element | undefined) => Element,
): Element {
  const rsm = parseRsm(args.pubsub);
  if (rsm === "bad-request") return makeError("bad-request");
  const node = attr(args.pubsub.getChildElements()[0], "node") ?? "";
  const page = pageList(entries, {
    keyOf,
    sizeOf: (el) => elementBytes(el) + 2 * xmlBytes(keyOf(el)),
    budget: args.service.limits.maxReplyBytes - envelopeBytes(args.iq, node),
    rsm,
  });
  if (page === "item-not-found") return makeError("item-not-found");
  return wrap(page.entries, page.rsm && makeRsmSet(page.rsm));
}
