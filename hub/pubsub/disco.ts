/* XEP-0030 answers for the PubSub service: the service's identity and features, and queries
 * that carry a node (node metadata, items of a node), plus the list of nodes.
 * References: XEP-0030 §3.1, §4.1; XEP-0060 §5.1–§5.5, §10 (feature names); hub/access/rule.ts
 * (the registry's part of the one access rule: a device's nodes, their metadata and item ids
 * only for those who may read the device now). */
import xml, { type Element } from "@xmpp/xml";
import { NS_DISCO_INFO, NS_DISCO_ITEMS, NS_PUBSUB, NS_PUBSUB_FEATURE } from "../../shared/xmpp/ns";
import type { AccessRule } from "../access/rule";
import type { DiscoContribution } from "../iq-types";
import { makeMetaDataForm } from "./config-form";
import { errorOf, replyWith } from "./handler-types";
import type { PubsubService } from "./service";

/** Exactly the XEP-0060 features this service implements. */
export const PUBSUB_FEATURES = [
  "access-authorize",
  "access-open",
  "access-whitelist",
  "config-node",
  "config-node-max",
  "create-and-configure",
  "create-nodes",
  "delete-items",
  "delete-nodes",
  "instant-nodes",
  "item-ids",
  "last-published",
  "manage-subscriptions",
  "member-affiliation",
  "meta-data",
  "modify-affiliations",
  "outcast-affiliation",
  "persistent-items",
  "publish",
  "publish-only-affiliation",
  "publish-options",
  "publisher-affiliation",
  "purge-nodes",
  "retract-items",
  "retrieve-affiliations",
  "retrieve-default",
  "retrieve-items",
  "retrieve-subscriptions",
  "rsm",
  "subscribe",
  "subscription-notifications",
  "subscription-options",
] as const;

export const PUBSUB_DISCO: DiscoContribution = {
  identities: [{ category: "pubsub", type: "service" }],
  features: [NS_PUBSUB, ...PUBSUB_FEATURES.map((f) => `${NS_PUBSUB_FEATURE}${f}`)],
};

export function createPubsubDisco(service: PubsubService, access: Pick<AccessRule, "factsOf" | "refusal">) {
  /** Whether the registry hides a node from `from` (a device node it may not read now). */
  async function hidden(from: string, node: string): Promise<boolean> {
    const facts = await access.factsOf(node);
    return facts?.readers !== undefined && (await access.refusal(node, from)) !== undefined;
  }

  /** disco#info with a node (§5.3, §5.4): identity pubsub/leaf and the meta-data form. */
  async function nodeInfo(from: string, node: string): Promise<Element> {
    if (await hidden(from, node)) return errorOf({ ok: false, error: "item-not-found" }); // as §5.4 for outcasts
    return replyWith(await service.nodeMeta(from, node), (meta) =>
      xml(
        "query",
        { xmlns: NS_DISCO_INFO, node },
        xml("identity", {
          category: "pubsub",
          type: "leaf",
          ...(meta.node.config.title && { name: meta.node.config.title }),
        }),
        xml("feature", { var: NS_DISCO_INFO }),
        xml("feature", { var: NS_PUBSUB }),
        makeMetaDataForm(meta),
      ),
    ) as Element;
  }

  /** disco#items with a node (§5.5): the node's items, for those who may retrieve them. */
  async function nodeItems(from: string, serviceJid: string, node: string): Promise<Element> {
    const refused = await access.refusal(node, from);
    if (refused) return errorOf(refused);
    return replyWith(await service.nodeItemIds(from, node), (ids) =>
      xml(
        "query",
        { xmlns: NS_DISCO_ITEMS, node },
        ...ids.map((name) => xml("item", { jid: serviceJid, name })),
      ),
    ) as Element;
  }

  /** disco#items without a node (§5.2): the nodes the sender may know about. */
  async function rootItems(from: string, serviceJid: string): Promise<Element[]> {
    const nodes = await service.listNodes(from);
    if (!nodes.ok) return [];
    const shown = [];
    for (const n of nodes.value) if (!(await hidden(from, n.id))) shown.push(n);
    return shown.map((n) =>
      xml("item", { jid: serviceJid, node: n.id, ...(n.config.title && { name: n.config.title }) }),
    );
  }

  return { nodeInfo, nodeItems, rootItems };
}
