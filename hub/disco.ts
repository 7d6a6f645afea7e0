/* XEP-0030 Service Discovery for the hub's own JID: identities and features are the union of
 * what each service contributes, so the hub advertises exactly what it implements. Queries that
 * name a node go to the service that owns it.
 * References: XEP-0030 §3.1 (info), §4.1 (items), §3.2 / §4.2 (node queries, item-not-found). */

import xml, { type Element } from "@xmpp/xml";
import { makeError } from "../shared/xmpp/errors";
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from "../shared/xmpp/ns";
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

export function createDisco(): Disco {
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
        if (answer) return answer;
      }
      return makeError("item-not-found");
    }
    const found: Element[] = [];
    for (const provider of providers) found.push(...((await provider.rootItems?.(ctx)) ?? []));
    return xml("query", { xmlns: NS_DISCO_ITEMS }, ...found);
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
