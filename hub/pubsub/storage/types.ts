/* Storage contracts for the hub's PubSub service: nodes with their configuration, items,
 * subscriptions (with options and pending approvals) and affiliations.
 * References: XEP-0060 §4.1 (affiliations), §4.2 (subscription states), §16.4 (node config).
 *
 * Every method is async so that a networked backend fits behind the same contract. Writes
 * resolve only once they are durably committed (the SQLite store group-commits them). JIDs
 * given to a store are already normalised by the caller (see hub/pubsub/jids.ts). */

export type AccessModel = "open" | "authorize" | "whitelist" | "presence" | "roster";
export type PublishModel = "publishers" | "subscribers" | "open";
export type Affiliation = "owner" | "publisher" | "publish-only" | "member" | "none" | "outcast";
export type SendLastPublished = "never" | "on_sub";
export type SubscriptionState = "subscribed" | "pending" | "unconfigured";

export interface NodeConfig {
  title: string;
  accessModel: AccessModel;
  publishModel: PublishModel;
  /** Most items kept; "max" is the service's own ceiling. */
  maxItems: number | "max";
  /** Seconds after publication an item expires; 0 = never. */
  itemExpire: number;
  notifyRetract: boolean;
  notifyDelete: boolean;
  notifyConfig: boolean;
  deliverPayloads: boolean;
  deliverNotifications: boolean;
  persistItems: boolean;
  sendLastPublishedItem: SendLastPublished;
  notificationType: "headline" | "normal";
  /** Payload namespace (pubsub#type); empty when unset. */
  payloadType: string;
}

export interface NodeRecord {
  id: string;
  config: NodeConfig;
  /** Bare JID of the creator. */
  creator: string;
  /** ms since epoch. */
  created: number;
}

export interface StoredItem {
  id: string;
  /** Serialised XML of the payload element ("" for a notification-only item). */
  payload: string;
  /** Full JID of the publisher. */
  publisher: string;
  /** ms since epoch. */
  published: number;
}

export interface SubscriptionRecord {
  node: string;
  /** The subscribed JID exactly as subscribed (bare or full), normalised. */
  jid: string;
  subid: string;
  state: SubscriptionState;
  /** Subscription options (XEP-0060 §6.3) as form field values. */
  options: Record<string, string[]>;
}

export interface PutItemOptions {
  /** Items kept after the insert; older ones are trimmed (oldest first). */
  maxItems: number;
  /** When an item with this id exists, keep it and report it instead of replacing it. */
  ifAbsent?: boolean;
  /** Runs when the item is stored, in the same durable commit: if it throws, the item is not
   * stored either (telemetry history, hub/history/). Synchronous, so it joins the transaction. */
  alsoWrite?: () => void;
}

export type PutItemResult =
  | { status: "stored"; removed: string[] }
  | { status: "exists"; existing: StoredItem; removed: [] };

export interface ItemQuery {
  /** Most items returned. */
  limit: number;
  /** RSM: return items older than the item with this id (next page, newest first). */
  after?: string;
  /** RSM: return items newer than the item with this id (previous page). */
  before?: string;
  /** Items published before this time (ms) are treated as expired and skipped. */
  publishedAfter?: number;
}

export interface ItemPage {
  /** Newest first. */
  items: StoredItem[];
  /** Total number of (unexpired) items in the node. */
  total: number;
  /** Position of items[0] in the whole newest-first list. */
  firstIndex: number;
  /** false when `after`/`before` named an item that is not in the node. */
  cursorFound: boolean;
}

export interface AffiliationWrite {
  /** Bare JID, normalised. */
  jid: string;
  /** "none" removes the affiliation. */
  affiliation: Affiliation;
}

/** What addSubscription() did: added, found one for that JID (kept as it is), or hit the quota. */
export type AddSubscriptionResult =
  | { status: "added" }
  | { status: "exists"; existing: SubscriptionRecord }
  | { status: "quota" };

export interface NodeStore {
  /**
   * Creates the node and makes `owner` its owner; false when the id is taken. With `maxOwned`,
   * "quota" (and nothing changes) when `owner` already owns that many nodes: the count is checked
   * and taken in the same write, so concurrent creates never exceed it.
   */
  createNode(node: NodeRecord, owner: string, maxOwned?: number): Promise<boolean | "quota">;
  getNode(id: string): Promise<NodeRecord | undefined>;
  listNodes(): Promise<NodeRecord[]>;
  setNodeConfig(id: string, config: NodeConfig): Promise<void>;
  /** Deletes the node with its items, subscriptions and affiliations; false when absent. */
  deleteNode(id: string): Promise<boolean>;
  /** Number of nodes on which `jid` (bare) is owner. */
  countOwnedNodes(jid: string): Promise<number>;

  getAffiliation(node: string, jid: string): Promise<Affiliation>;
  getAffiliations(node: string): Promise<Map<string, Affiliation>>;
  /** Affiliations of one bare JID across nodes. */
  affiliationsOf(jid: string): Promise<Array<{ node: string; affiliation: Affiliation }>>;
  /** "none" removes the affiliation. */
  setAffiliation(node: string, jid: string, affiliation: Affiliation): Promise<void>;
  /** Every change in one write, in order: all of them are stored or none (an owner's request,
   * XEP-0060 §8.9.2, is never half applied, not even on a full disk). */
  setAffiliations(node: string, changes: ReadonlyArray<AffiliationWrite>): Promise<void>;

  /** All subscriptions of a node (every state). Callers must not mutate the result. */
  getSubscriptions(node: string): Promise<readonly SubscriptionRecord[]>;
  getSubscription(node: string, jid: string): Promise<SubscriptionRecord | undefined>;
  /** Subscriptions whose JID is `jid` or has `jid` as bare JID. */
  subscriptionsOf(jid: string): Promise<SubscriptionRecord[]>;
  /** Inserts or replaces the subscription of (node, jid). */
  putSubscription(sub: SubscriptionRecord): Promise<void>;
  /**
   * Inserts the subscription of (node, jid) unless that JID has one ("exists", unchanged) or the
   * node has `maxPerNode` subscriptions ("quota"), checked and taken in the same write.
   */
  addSubscription(sub: SubscriptionRecord, maxPerNode: number): Promise<AddSubscriptionResult>;
  removeSubscription(node: string, jid: string): Promise<boolean>;
  /** Puts and removes subscriptions of one node in one write: all or none (§8.8.2). */
  changeSubscriptions(
    node: string,
    put: ReadonlyArray<SubscriptionRecord>,
    remove: ReadonlyArray<string>,
  ): Promise<void>;
  countSubscriptions(node: string): Promise<number>;
}

export interface ItemStore {
  putItem(node: string, item: StoredItem, options: PutItemOptions): Promise<PutItemResult>;
  getItem(node: string, id: string): Promise<StoredItem | undefined>;
  getItems(node: string, query: ItemQuery): Promise<ItemPage>;
  /** The newest item, if any. */
  lastItem(node: string): Promise<StoredItem | undefined>;
  deleteItem(node: string, id: string): Promise<boolean>;
  /** Removes every item; returns how many. */
  purgeItems(node: string): Promise<number>;
  /** Removes items published before `cutoff` (ms); returns their ids. */
  expireItems(node: string, cutoff: number): Promise<string[]>;
  /** Keeps only the newest `maxItems`; returns removed ids. */
  trimItems(node: string, maxItems: number): Promise<string[]>;
}

export interface PubsubStore extends NodeStore, ItemStore {
  close(): Promise<void>;
}
