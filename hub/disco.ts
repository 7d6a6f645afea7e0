/* XEP-0030 Service Discovery for the hub's own JID: identities and features are the union of
 * what each service contributes, so the hub advertises exactly what it implements. Queries that
 * name a node go to the service that owns it.
 * Every disco#items answer is cut to the reply budget and paged with RSM.
 * References: XEP-0030 §3.1 (info), §4.1 (items), §3.2 / §4.2 (node queries, item-not-found);
 * XEP-0059 §2 (paging disco#items, §1.1 cites it), docs/design.md §6 (replies bounded by bytes). */

import xml, { type Element } from "@xmpp/xml";
import {
  DEFAULT_MAX_REPLY_BYTES,
  elementBytes,
  envelopeBytes,
  pageList,
  xmlBytes,
} from "../shared/xmpp/budget";
import { makeError } from "../shared/xmpp/errors";
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from "../shared/xmpp/ns";
import { makeRsmSet, parseRsm } from "../shared/xmpp/rsm";
import type { DiscoContribution, IqContext, IqRoute } from "./iq-types";

export interface DiscoNodeProvider {
  /** disco#info for a node: the whole <query/> or an <error/>; undefined when not this provider's. */
  info?(ctx: IqContext, node: string): Promise<Element | undefined> | Element | undefined;
  /** disco#items for a node: the whole <query/> or an <error/>; undefined when not this provider's. */
  nodeItems?(ctx: IqContext, node: string): Promise<Element | undefined> | Element | undefined;
  /** <item/> children for disco#items on the hub itself. */
  rootItems?(ctx: IqContext): Promise<Element[]> | Element[];
}

export interface Disco {
  contribute(contribution: DiscoContribution): void;
  provide(provider: DiscoNodeProvider): void;
  routes(): IqRoute[];
}

export interface DiscoOptions {
  /** Largest reply in bytes (`pubsub.maxReplyBytes`). */
  maxReplyBytes?: number;
}

/** An item's RSM cursor: its node, else its name, else its JID (unique within one answer). */
const itemKey = (el: Element): string => {
  const { node, name, jid } = el.attrs as Record<string, string | undefined>;
  return node ?? name ?? jid ?? "";
};

/** One page of a disco#items <query/>: its <item/> children within the budget, and RSM. */
function pageQuery(ctx: IqContext, query: Element, maxReplyBytes: number): Element {
  const rsm = parseRsm(ctx.child);
  if (rsm === "bad-request") return makeError("bad-request");
  const items = query.getChildren("item");
  const page = pageList(items, {
    keyOf: itemKey,
    sizeOf: (el) => elementBytes(el) + 2 * xmlBytes(itemKey(el)),
    budget: maxReplyBytes - envelopeBytes(ctx, String(query.attrs.node ?? "")),
    rsm,
  });
  if (page === "item-not-found") return makeError("item-not-found"); // XEP-0059 §2.5
  const others = query.getChildElements().filter((el) => el.name !== "item");
  const set = page.rsm ? [makeRsmSet(page.rsm)] : [];
  return xml("query", { ...query.attrs }, ...others, ...page.entries, ...set);
}

export function createDisco(options: DiscoOptions = {}): Disco {
  const maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  const contributions: DiscoContribution[] = [{ identities: [], features: [NS_DISCO_INFO, NS_DISCO_ITEMS] }];
  const providers: DiscoNodeProvider[] = [];

  async function info(ctx: IqContext): Promise<Element> {
    const node = ctx.child.attrs.node as string | undefined;
    if (node !== undefined) {
      for (const provider of providers) {
        const answer = await provider.info?.(ctx, node);
        if (answer) return answer;
      }
      return makeError("item-not-found");
    }
    const identities = contributions.flatMap((c) => c.identities);
    const features = [...new Set(contributions.flatMap((c) => c.features))].sort();
    return xml(
      "query",
      { xmlns: NS_DISCO_INFO },
      ...identities.map((i) => xml("identity", { category: i.category, type: i.type, name: i.name })),
      ...features.map((f) => xml("feature", { var: f })),
    );
  }

  async function items(ctx: IqContext): Promise<Element> {
    const node = ctx.child.attrs.node as string | undefined;
    if (node !== undefined) {
      for (const provider of providers) {
        const answer = await provider.nodeItems?.(ctx, node);
        if (answer) return answer.name === "query" ? pageQuery(ctx, answer, maxReplyBytes) : answer;
      }
      return makeError("item-not-found");
    }
    const found: Element[] = [];
    for (const provider of providers) found.push(...((await provider.rootItems?.(ctx)) ?? []));
    return pageQuery(ctx, xml("query", { xmlns: NS_DISCO_ITEMS }, ...found), maxReplyBytes);
  }

  return {
    contribute: (contribution) => void contributions.push(contribution),
    provide: (provider) => void providers.push(provider),
    routes: () => [
      { type: "get", ns: NS_DISCO_INFO, name: "query", handler: info },
      { type: "get", ns: NS_DISCO_ITEMS, name: "query", handler: items },
    ],
  };
}
