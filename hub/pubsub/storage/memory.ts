/* In-memory PubsubStore: for unit tests and throwaway hubs. Same contract as the SQLite store
 * (test/contract/pubsub-store.contract.ts). */
import type {
  AddSubscriptionResult,
  Affiliation,
  ItemPage,
  ItemQuery,
  NodeConfig,
  NodeRecord,
  PubsubStore,
  PutItemOptions,
  PutItemResult,
  StoredItem,
  SubscriptionRecord,
} from "./types";

interface NodeState {
  record: NodeRecord;
  /** Oldest first. */
  items: StoredItem[];
  affiliations: Map<string, Affiliation>;
  subscriptions: Map<string, SubscriptionRecord>;
  subList: SubscriptionRecord[] | undefined;
}

const clone = <T>(value: T): T => structuredClone(value);

/** Newest-first page over an oldest-first list; shared with tests of paging logic. */
export function pageNewestFirst(oldestFirst: StoredItem[], query: ItemQuery): ItemPage {
  const live =
    query.publishedAfter === undefined
      ? oldestFirst
      : oldestFirst.filter((i) => i.published >= (query.publishedAfter as number));
  const newest = [...live].reverse();
  let start = 0;
  let end = newest.length;
  let cursorFound = true;
  if (query.after !== undefined) {
    const at = newest.findIndex((i) => i.id === query.after);
    cursorFound = at >= 0;
    start = at + 1;
    end = start + query.limit;
  } else if (query.before !== undefined) {
    const at = newest.findIndex((i) => i.id === query.before);
    cursorFound = at >= 0;
    end = at;
    start = Math.max(0, end - query.limit);
  } else {
    end = query.limit;
  }
  if (!cursorFound) return { items: [], total: newest.length, firstIndex: 0, cursorFound };
  return { items: newest.slice(start, end).map(clone), total: newest.length, firstIndex: start, cursorFound };
}

export function createMemoryStore(): PubsubStore {
  const nodes = new Map<string, NodeState>();
  const get = (id: string): NodeState | undefined => nodes.get(id);

  const removeIds = (state: NodeState, keep: (i: StoredItem) => boolean): string[] => {
    const removed = state.items.filter((i) => !keep(i)).map((i) => i.id);
    if (removed.length > 0) state.items = state.items.filter(keep);
    return removed;
  };
  const countOwned = (jid: string): number => {
    let n = 0;
    for (const s of nodes.values()) if (s.affiliations.get(jid) === "owner") n++;
    return n;
  };
  const trim = (state: NodeState, maxItems: number): string[] => {
    const excess = state.items.length - maxItems;
    if (excess <= 0) return [];
    return state.items.splice(0, excess).map((i) => i.id);
  };

  return {
    // Each write runs to completion without an await: its quota check and insert are one step.
    async createNode(node: NodeRecord, owner: string, maxOwned?: number) {
      if (maxOwned !== undefined && countOwned(owner) >= maxOwned) return "quota";
      if (nodes.has(node.id)) return false;
      nodes.set(node.id, {
        record: clone(node),
        items: [],
        affiliations: new Map([[owner, "owner"]]),
        subscriptions: new Map(),
        subList: undefined,
      });
      return true;
    },
    async getNode(id) {
      const state = get(id);
      return state && clone(state.record);
    },
    async listNodes() {
      return [...nodes.values()].map((s) => clone(s.record));
    },
    async setNodeConfig(id: string, config: NodeConfig) {
      const state = get(id);
      if (state) state.record.config = clone(config);
    },
    async deleteNode(id) {
      return nodes.delete(id);
    },
    countOwnedNodes: async (jid) => countOwned(jid),
    async getAffiliation(node, jid) {
      return get(node)?.affiliations.get(jid) ?? "none";
    },
    async getAffiliations(node) {
      return new Map(get(node)?.affiliations ?? []);
    },
    async affiliationsOf(jid) {
      const out: Array<{ node: string; affiliation: Affiliation }> = [];
      for (const [id, s] of nodes) {
        const affiliation = s.affiliations.get(jid);
        if (affiliation) out.push({ node: id, affiliation });
      }
      return out;
    },
    async setAffiliation(node, jid, affiliation) {
      const state = get(node);
      if (!state) return;
      if (affiliation === "none") state.affiliations.delete(jid);
      else state.affiliations.set(jid, affiliation);
    },
    async setAffiliations(node, changes) {
      const state = get(node);
      if (!state) return;
      for (const { jid, affiliation } of changes) {
        if (affiliation === "none") state.affiliations.delete(jid);
        else state.affiliations.set(jid, affiliation);
      }
    },
    async getSubscriptions(node) {
      const state = get(node);
      if (!state) return [];
      state.subList ??= [...state.subscriptions.values()];
      return state.subList;
    },
    async getSubscription(node, jid) {
      const sub = get(node)?.subscriptions.get(jid);
      return sub && clone(sub);
    },
    async subscriptionsOf(jid) {
      const out: SubscriptionRecord[] = [];
      for (const s of nodes.values()) {
        for (const sub of s.subscriptions.values()) {
          if (sub.jid === jid || sub.jid.split("/")[0] === jid) out.push(clone(sub));
        }
      }
      return out;
    },
    async putSubscription(sub) {
      const state = get(sub.node);
      if (!state) return;
      state.subscriptions.set(sub.jid, clone(sub));
      state.subList = undefined;
    },
    async addSubscription(sub, maxPerNode): Promise<AddSubscriptionResult> {
      const state = get(sub.node);
      const existing = state?.subscriptions.get(sub.jid);
      if (existing) return { status: "exists", existing: clone(existing) };
      if (state && state.subscriptions.size >= maxPerNode) return { status: "quota" };
      if (state) {
        state.subscriptions.set(sub.jid, clone(sub));
        state.subList = undefined;
      }
      return { status: "added" };
    },
    async removeSubscription(node, jid) {
      const state = get(node);
      if (!state?.subscriptions.delete(jid)) return false;
      state.subList = undefined;
      return true;
    },
    async changeSubscriptions(node, put, remove) {
      const state = get(node);
      if (!state) return;
      for (const sub of put) if (sub.node === node) state.subscriptions.set(sub.jid, clone(sub));
      for (const jid of remove) state.subscriptions.delete(jid);
      state.subList = undefined;
    },
    async countSubscriptions(node) {
      return get(node)?.subscriptions.size ?? 0;
    },

    async putItem(node: string, item: StoredItem, options: PutItemOptions): Promise<PutItemResult> {
      const state = get(node);
      if (!state) throw new Error(`putItem: no node ${node}`);
      const existing = state.items.find((i) => i.id === item.id);
      if (existing && options.ifAbsent) return { status: "exists", existing: clone(existing), removed: [] };
      options.alsoWrite?.(); // first: a throw leaves the node as it was
      if (existing) removeIds(state, (i) => i.id !== item.id);
      state.items.push(clone(item));
      return { status: "stored", removed: trim(state, options.maxItems) };
    },
    async getItem(node, id) {
      const item = get(node)?.items.find((i) => i.id === id);
      return item && clone(item);
    },
    async getItems(node, query) {
      return pageNewestFirst(get(node)?.items ?? [], query);
    },
    async lastItem(node) {
      const items = get(node)?.items ?? [];
      const last = items[items.length - 1];
      return last && clone(last);
    },
    async deleteItem(node, id) {
      const state = get(node);
      return state ? removeIds(state, (i) => i.id !== id).length > 0 : false;
    },
    async purgeItems(node) {
      const state = get(node);
      if (!state) return 0;
      const n = state.items.length;
      state.items = [];
      return n;
    },
    async expireItems(node, cutoff) {
      const state = get(node);
      return state ? removeIds(state, (i) => i.published >= cutoff) : [];
    },
    async trimItems(node, maxItems) {
      const state = get(node);
      return state ? trim(state, maxItems) : [];
    },
    async close() {},
  };
}
