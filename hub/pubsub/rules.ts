/* Policies the generic PubSub service takes from its composition root, with safe defaults:
 * node-creation rights, the defaults of new nodes, their first affiliations, and the item check.
 * References: XEP-0060 §8.1.3.2 (who may create), §8.3 (default configuration), §4.1
 * (affiliations), §7.1.2 (an item with an existing id replaces it); bjc/prosody util/pubsub.lua
 * (itemcheck and check_node_config are injected the same way). */
import type { Jid } from "../../shared/jid";
import type { Affiliation, NodeConfig, NodeRecord, StoredItem } from "./storage/types";
import type { Fail } from "./types";

/**
 * How an item about to be stored is treated:
 * - `replace`: XEP-0060 §7.1.2, an item with the same id is overwritten (the default);
 * - `append-only`: an existing id is never overwritten; the same payload again is an idempotent
 *   republish (acknowledged, nothing stored or notified), a different one is `conflict`;
 * - a Fail: the item is refused with that error.
 */
export type ItemVerdict = "replace" | "append-only" | Fail | KeepWith;

/** Keep the item as `keep` says, and run `alsoWrite` in the same durable commit as the item
 * (storage/types.ts PutItemOptions.alsoWrite): readings entering telemetry history. */
export interface KeepWith {
  keep: "replace" | "append-only";
  alsoWrite: () => void;
}

export interface NodeRules {
  /** Who may create `node` (undefined for an instant node): a decision, or undefined to leave
   * it to the service's own rule (admins anywhere, local users when allowed). */
  mayCreate?(actor: Jid, node: string | undefined): boolean | undefined;
  /** The defaults of a node about to be created, from the service's own defaults. */
  nodeDefaults?(node: string, defaults: NodeConfig): NodeConfig;
  /** Affiliations given on creation besides the creator's ownership. */
  initialAffiliations?(node: string, owner: string): Array<{ jid: string; affiliation: Affiliation }>;
  /** Consulted for every item before it is stored (Prosody's itemcheck). */
  itemcheck?(node: NodeRecord, item: StoredItem): ItemVerdict;
  /** The encodings a subscriber may ask for a node's payloads in (the ENCODING_OPTION
   * subscription option), [] when its payloads are delivered only as published. */
  encodings?(node: string): readonly string[];
  /** A stored payload in `encoding`, at most `maxBytes` of UTF-8; undefined: deliver it as
   * stored (already in that encoding, too large in it, or not a payload the rule knows). */
  render?(node: string, payload: string, encoding: string, maxBytes: number): string | undefined;
}

/** The subscription option (XEP-0060 §6.3) that asks for a node's payloads in another encoding;
 * `x-` as XEP-0068 §3.3 asks of a field the registry does not hold (docs/protocol.md). */
export const ENCODING_OPTION = "x-xiot#encoding";
/** Its default value: payloads as they were published. */
export const PUBLISHED = "published";

/** The generic service's rules: nothing beyond XEP-0060. */
export const GENERIC_RULES: Required<NodeRules> = {
  mayCreate: () => undefined,
  nodeDefaults: (_node, defaults) => defaults,
  initialAffiliations: () => [],
  itemcheck: () => "replace",
  encodings: () => [],
  render: () => undefined,
};

/** Fills the rules a composition root left out with the generic ones. */
export const withGenericRules = (rules: NodeRules = {}): Required<NodeRules> => ({
  mayCreate: rules.mayCreate ?? GENERIC_RULES.mayCreate,
  nodeDefaults: rules.nodeDefaults ?? GENERIC_RULES.nodeDefaults,
  initialAffiliations: rules.initialAffiliations ?? GENERIC_RULES.initialAffiliations,
  itemcheck: rules.itemcheck ?? GENERIC_RULES.itemcheck,
  encodings: rules.encodings ?? GENERIC_RULES.encodings,
  render: rules.render ?? GENERIC_RULES.render,
});
