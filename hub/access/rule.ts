/* The one access rule: may this JID receive this node's payloads, or read this device, now?
 * Every path that sends a payload asks it at the moment it sends: notifications and the last
 * published item (hub/pubsub/notify.ts), items and disco (hub/pubsub/index.ts, disco.ts),
 * readouts and chat replies with values (hub/control/queries.ts asks the registry part).
 * References: XEP-0060 §4.1 (Table 4: who may retrieve items), §4.5 (access models), §6.5.9
 * (retrieve-items errors), §13.2 (only authorized entities receive notifications); XEP-0324 §3
 * (read permission decided by the registry; deferred, used as a guide); docs/design.md §6
 * ("one access rule, decided at send time").
 *
 * Two parts, both must agree:
 * - the node's access model and affiliations (capabilities.ts), as for an items request;
 * - for a node of a registered device (`devices/<id>/…`), the device registry: its owner, its
 *   shares, the device itself and the admins (hub/devices/service-access.ts readers()). Shares
 *   are mirrored into node affiliations; the registry part closes the window between a registry
 *   change and its affiliation, and any drift between the two stores. */
import { normalizeJid } from "../../shared/jid";
import { may, refusalOf, standingOf } from "../pubsub/capabilities";
import type { Affiliation, NodeRecord, PubsubStore } from "../pubsub/storage/types";
import { type Fail, fail } from "../pubsub/types";

/** The registry's view of a device node: undefined when the node is no registered device's. */
export interface DeviceReaders {
  readersOf(node: string): Promise<ReadonlySet<string> | undefined>;
}

/** Everything the rule needs about one node, loaded once per decision batch. */
export interface NodeFacts {
  node: NodeRecord;
  affiliations: ReadonlyMap<string, Affiliation>;
  admins: ReadonlySet<string>;
  /** Bare JIDs the registry lets read the device; undefined for nodes of no registered device. */
  readers: ReadonlySet<string> | undefined;
}

export const affiliationIn = (facts: NodeFacts, bare: string): Affiliation =>
  facts.admins.has(bare) ? "owner" : (facts.affiliations.get(bare) ?? "none");

/** Why `bare` may not receive the node's payloads (undefined: it may). `subscribed`: it holds
 * an approved subscription, which lifts "none" to member on authorize nodes (§4.5). */
export function payloadRefusal(facts: NodeFacts, bare: string, subscribed: boolean): Fail | undefined {
  const model = facts.node.config.accessModel;
  const affiliation = affiliationIn(facts, bare);
  if (!may(standingOf(model, affiliation, subscribed), "retrieve-items")) {
    return fail(refusalOf(model, affiliation)); // §6.5.9.3-8
  }
  if (facts.readers && !facts.readers.has(bare) && !facts.admins.has(bare)) {
    // The registry took the device away: refused as an entity without an affiliation would be.
    return fail(refusalOf(model, "none"));
  }
  return undefined;
}

/** Whether the answer for `bare` depends on its subscription (authorize nodes, no affiliation). */
export const needsSubscription = (facts: NodeFacts, bare: string): boolean =>
  payloadRefusal(facts, bare, false) !== undefined && payloadRefusal(facts, bare, true) === undefined;

export interface AccessRuleDeps {
  store: Pick<PubsubStore, "getNode" | "getAffiliations" | "getSubscription">;
  /** Bare JIDs with every right on every node (the PubSub service's admins). */
  admins: Iterable<string>;
  registry?: DeviceReaders;
}

export interface Decider {
  facts: NodeFacts;
  allows(jid: string): Promise<boolean>;
}

export interface AccessRule {
  /** The node's facts now; undefined when the node is gone. */
  factsOf(node: string): Promise<NodeFacts | undefined>;
  /** Whether `jid` (bare or full) may receive `node`'s payloads now. */
  mayReceive(node: string, jid: string): Promise<boolean>;
  /** Why `jid` may not receive `node`'s payloads now, as the error an items request gets
   * (§6.5.9); undefined when it may, or when the node is gone (the service says item-not-found). */
  refusal(node: string, jid: string): Promise<Fail | undefined>;
  /** Facts loaded now and a decision over them, for many recipients of one node (a store read
   * per recipient only where its subscription matters); undefined when the node is gone. */
  decider(node: string): Promise<Decider | undefined>;
}

const bareOf = (jid: string): string | undefined => normalizeJid(jid)?.bare;

export function createAccessRule(deps: AccessRuleDeps): AccessRule {
  const admins = new Set([...deps.admins].map((a) => bareOf(a) ?? a.toLowerCase()));

  async function factsOf(nodeId: string): Promise<NodeFacts | undefined> {
    const node = await deps.store.getNode(nodeId);
    if (!node) return undefined;
    const [affiliations, readers] = await Promise.all([
      deps.store.getAffiliations(nodeId),
      deps.registry ? deps.registry.readersOf(nodeId) : Promise.resolve(undefined),
    ]);
    return { node, affiliations, admins, readers };
  }

  async function decide(facts: NodeFacts, jid: string): Promise<boolean> {
    const parsed = normalizeJid(jid);
    if (!parsed) return false;
    if (payloadRefusal(facts, parsed.bare, false) === undefined) return true;
    if (!needsSubscription(facts, parsed.bare)) return false;
    let sub = await deps.store.getSubscription(facts.node.id, parsed.full);
    if (!sub && parsed.full !== parsed.bare)
      sub = await deps.store.getSubscription(facts.node.id, parsed.bare);
    return sub?.state === "subscribed";
  }

  return {
    factsOf,
    async mayReceive(node, jid) {
      const facts = await factsOf(node);
      return facts !== undefined && (await decide(facts, jid));
    },
    async refusal(node, jid) {
      const parsed = normalizeJid(jid);
      if (!parsed) return fail("invalid-jid");
      const facts = await factsOf(node);
      if (!facts || (await decide(facts, jid))) return undefined;
      return payloadRefusal(facts, parsed.bare, false) ?? fail("forbidden");
    },
    async decider(node) {
      const facts = await factsOf(node);
      return facts && { facts, allows: (jid: string) => decide(facts, jid) };
    },
  };
}
