/* Shared contract for every PubsubStore implementation (hub/pubsub/storage/types.ts). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NodeConfig, NodeRecord, PubsubStore, StoredItem } from "../../hub/pubsub/storage/types";

export interface StoreFactory {
  open(): Promise<PubsubStore>;
  /** Closes the store and opens the same data again (durable stores only). */
  reopen?(store: PubsubStore): Promise<PubsubStore>;
  cleanup?(): Promise<void>;
}

const config = (over: Partial<NodeConfig> = {}): NodeConfig => ({
  title: "",
  accessModel: "open",
  publishModel: "publishers",
  maxItems: 10,
  itemExpire: 0,
  notifyRetract: true,
  notifyDelete: true,
  notifyConfig: false,
  deliverPayloads: true,
  deliverNotifications: true,
  persistItems: true,
  sendLastPublishedItem: "never",
  notificationType: "headline",
  payloadType: "",
  ...over,
});
const node = (id: string, over: Partial<NodeConfig> = {}): NodeRecord => ({
  id,
  config: config(over),
  creator: "alice@example.org",
  created: 1000,
});
const item = (id: string, published = 1000): StoredItem => ({
  id,
  payload: `<x xmlns='urn:test'>${id}</x>`,
  publisher: "dev@example.org/agent",
  published,
});
const ids = (items: StoredItem[]): string[] => items.map((i) => i.id);

export function pubsubStoreContract(name: string, factory: StoreFactory): void {
  describe(`PubsubStore contract: ${name}`, () => {
    let store: PubsubStore;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
      await factory.cleanup?.();
    });

    const fill = async (n: string, count: number, max = 100): Promise<void> => {
      await Promise.all(
        Array.from({ length: count }, (_, i) => store.putItem(n, item(`i${i}`, 1000 + i), { maxItems: max })),
      );
    };

    describe("nodes", () => {
      it("creates a node once and makes the creator owner", async () => {
        expect(await store.createNode(node("a"), "alice@example.org")).toBe(true);
        expect(await store.createNode(node("a"), "bob@example.org")).toBe(false);
        expect(await store.getNode("a")).toEqual(node("a"));
        expect(await store.getAffiliation("a", "alice@example.org")).toBe("owner");
        expect(await store.getAffiliation("a", "bob@example.org")).toBe("none");
        expect(await store.getNode("missing")).toBeUndefined();
      });

      it("lists nodes and counts owned nodes", async () => {
        await store.createNode(node("a"), "alice@example.org");
        await store.createNode(node("b"), "alice@example.org");
        await store.createNode(node("c"), "bob@example.org");
        expect((await store.listNodes()).map((n) => n.id).sort()).toEqual(["a", "b", "c"]);
        expect(await store.countOwnedNodes("alice@example.org")).toBe(2);
        expect(await store.countOwnedNodes("carol@example.org")).toBe(0);
      });

      it("updates the configuration", async () => {
        await store.createNode(node("a"), "alice@example.org");
        await store.setNodeConfig("a", config({ maxItems: "max", accessModel: "whitelist" }));
        expect((await store.getNode("a"))?.config).toEqual(
          config({ maxItems: "max", accessModel: "whitelist" }),
        );
      });

      it("returns copies that callers cannot use to change stored data", async () => {
        await store.createNode(node("a"), "alice@example.org");
        const got = await store.getNode("a");
        if (got) got.config.title = "changed";
        expect((await store.getNode("a"))?.config.title).toBe("");
      });

      it("deletes a node with its items, subscriptions and affiliations", async () => {
        await store.createNode(node("a"), "alice@example.org");
        await store.putItem("a", item("1"), { maxItems: 10 });
        await store.putSubscription({
          node: "a",
          jid: "bob@example.org",
          subid: "s",
          state: "subscribed",
          options: {},
        });
        expect(await store.deleteNode("a")).toBe(true);
        expect(await store.deleteNode("a")).toBe(false);
        expect(await store.getNode("a")).toBeUndefined();
        expect(await store.countOwnedNodes("alice@example.org")).toBe(0);
        expect(await store.subscriptionsOf("bob@example.org")).toEqual([]);
        await store.createNode(node("a"), "carol@example.org");
        expect(await store.getItem("a", "1")).toBeUndefined();
        expect(await store.getAffiliation("a", "alice@example.org")).toBe("none");
        expect(await store.getSubscriptions("a")).toEqual([]);
      });
    });

    describe("affiliations", () => {
      it("sets, lists and removes affiliations", async () => {
        await store.createNode(node("a"), "alice@example.org");
        await store.createNode(node("b"), "carol@example.org");
        await store.setAffiliation("a", "bob@example.org", "publisher");
        await store.setAffiliation("b", "bob@example.org", "outcast");
        expect(await store.getAffiliations("a")).toEqual(
          new Map([
            ["alice@example.org", "owner"],
            ["bob@example.org", "publisher"],
          ]),
        );
        expect(await store.affiliationsOf("bob@example.org")).toEqual([
          { node: "a", affiliation: "publisher" },
          { node: "b", affiliation: "outcast" },
        ]);
        await store.setAffiliation("a", "bob@example.org", "none");
        expect(await store.getAffiliation("a", "bob@example.org")).toBe("none");
        expect(await store.getAffiliations("a")).toEqual(new Map([["alice@example.org", "owner"]]));
      });

      it("setAffiliations applies a batch in order, the last change for a JID winning", async () => {
        await store.createNode(node("a"), "alice@example.org");
        await store.setAffiliations("a", [
          { jid: "bob@example.org", affiliation: "publisher" },
          { jid: "carol@example.org", affiliation: "member" },
          { jid: "bob@example.org", affiliation: "outcast" },
          { jid: "alice@example.org", affiliation: "none" },
        ]);
        expect(await store.getAffiliations("a")).toEqual(
          new Map([
            ["bob@example.org", "outcast"],
            ["carol@example.org", "member"],
          ]),
        );
      });
    });

    describe("subscriptions", () => {
      const sub = (jid: string, state: "subscribed" | "pending" = "subscribed", n = "a") => ({
        node: n,
        jid,
        subid: `sub-${jid}`,
        state,
        options: { "pubsub#deliver": ["true"] },
      });

      it("stores, replaces, finds and removes subscriptions with options and states", async () => {
        await store.createNode(node("a"), "alice@example.org");
        await store.createNode(node("b"), "alice@example.org");
        await store.putSubscription(sub("bob@example.org", "pending"));
        await store.putSubscription(sub("bob@example.org/phone", "subscribed", "b"));
        expect(await store.getSubscription("a", "bob@example.org")).toEqual(
          sub("bob@example.org", "pending"),
        );
        await store.putSubscription(sub("bob@example.org"));
        expect((await store.getSubscription("a", "bob@example.org"))?.state).toBe("subscribed");
        expect(await store.countSubscriptions("a")).toBe(1);
        const of = await store.subscriptionsOf("bob@example.org");
        expect(of.map((s) => `${s.node} ${s.jid}`).sort()).toEqual([
          "a bob@example.org",
          "b bob@example.org/phone",
        ]);
        expect((await store.subscriptionsOf("bob@example.org/phone")).map((s) => s.node)).toEqual(["b"]);
        expect(await store.removeSubscription("a", "bob@example.org")).toBe(true);
        expect(await store.removeSubscription("a", "bob@example.org")).toBe(false);
        expect(await store.getSubscriptions("a")).toEqual([]);
      });

      it("lists every subscription of a node", async () => {
        await store.createNode(node("a"), "alice@example.org");
        await Promise.all(["x", "y", "z"].map((u) => store.putSubscription(sub(`${u}@example.org`))));
        const subs = await store.getSubscriptions("a");
        expect(subs.map((s) => s.jid).sort()).toEqual(["x@example.org", "y@example.org", "z@example.org"]);
      });

      it("changeSubscriptions puts and removes in one write", async () => {
        await store.createNode(node("a"), "alice@example.org");
        await store.putSubscription(sub("x@example.org"));
        await store.putSubscription(sub("y@example.org", "pending"));
        await store.changeSubscriptions(
          "a",
          [sub("y@example.org"), sub("z@example.org/desk")],
          ["x@example.org", "nobody@example.org"],
        );
        const subs = await store.getSubscriptions("a");
        expect(subs.map((s) => `${s.jid} ${s.state}`).sort()).toEqual([
          "y@example.org subscribed",
          "z@example.org/desk subscribed",
        ]);
        expect((await store.subscriptionsOf("z@example.org")).map((s) => s.node)).toEqual(["a"]);
      });
    });

    describe("items", () => {
      beforeEach(async () => {
        await store.createNode(node("a"), "alice@example.org");
      });

      it("stores an item and reads it back", async () => {
        expect(await store.putItem("a", item("1"), { maxItems: 10 })).toEqual({
          status: "stored",
          removed: [],
        });
        expect(await store.getItem("a", "1")).toEqual(item("1"));
        expect(await store.getItem("a", "2")).toBeUndefined();
        expect(await store.lastItem("a")).toEqual(item("1"));
      });

      it("replaces an item with the same id and makes it the newest", async () => {
        await fill("a", 3);
        const replacement = { ...item("i0"), payload: "<y/>" };
        await store.putItem("a", replacement, { maxItems: 10 });
        const page = await store.getItems("a", { limit: 10 });
        expect(ids(page.items)).toEqual(["i0", "i2", "i1"]);
        expect(page.total).toBe(3);
        expect(await store.getItem("a", "i0")).toEqual(replacement);
      });

      it("keeps the existing item when asked to insert only if absent", async () => {
        await store.putItem("a", item("1"), { maxItems: 10 });
        const result = await store.putItem(
          "a",
          { ...item("1"), payload: "<other/>" },
          { maxItems: 10, ifAbsent: true },
        );
        expect(result).toEqual({ status: "exists", existing: item("1"), removed: [] });
        expect(await store.getItem("a", "1")).toEqual(item("1"));
      });

      it("trims the oldest items beyond max_items", async () => {
        await fill("a", 5, 3);
        expect(ids((await store.getItems("a", { limit: 10 })).items)).toEqual(["i4", "i3", "i2"]);
        const r = await store.putItem("a", item("n"), { maxItems: 2 });
        expect(r).toEqual({ status: "stored", removed: ["i2", "i3"] });
        expect(await store.trimItems("a", 1)).toEqual(["i4"]);
        expect(ids((await store.getItems("a", { limit: 10 })).items)).toEqual(["n"]);
      });

      it("pages newest first with after/before cursors", async () => {
        await fill("a", 7);
        const first = await store.getItems("a", { limit: 3 });
        expect([ids(first.items), first.total, first.firstIndex]).toEqual([["i6", "i5", "i4"], 7, 0]);
        const second = await store.getItems("a", { limit: 3, after: "i4" });
        expect([ids(second.items), second.firstIndex]).toEqual([["i3", "i2", "i1"], 3]);
        const last = await store.getItems("a", { limit: 3, after: "i1" });
        expect([ids(last.items), last.firstIndex]).toEqual([["i0"], 6]);
        const back = await store.getItems("a", { limit: 2, before: "i3" });
        expect([ids(back.items), back.firstIndex]).toEqual([["i5", "i4"], 1]);
        const missing = await store.getItems("a", { limit: 3, after: "nope" });
        expect(missing).toEqual({ items: [], total: 7, firstIndex: 0, cursorFound: false });
      });

      it("skips items published before publishedAfter", async () => {
        await fill("a", 5);
        const page = await store.getItems("a", { limit: 10, publishedAfter: 1003 });
        expect([ids(page.items), page.total]).toEqual([["i4", "i3"], 2]);
      });

      it("deletes, purges and expires items", async () => {
        await fill("a", 5);
        expect(await store.deleteItem("a", "i2")).toBe(true);
        expect(await store.deleteItem("a", "i2")).toBe(false);
        expect((await store.expireItems("a", 1001)).sort()).toEqual(["i0"]);
        expect(ids((await store.getItems("a", { limit: 10 })).items)).toEqual(["i4", "i3", "i1"]);
        expect(await store.purgeItems("a")).toBe(3);
        expect(await store.lastItem("a")).toBeUndefined();
        await store.putItem("a", item("after"), { maxItems: 1 });
        expect((await store.getItems("a", { limit: 10 })).total).toBe(1);
      });

      it("resolves every one of many concurrent writes", async () => {
        await fill("a", 200, 1000);
        expect((await store.getItems("a", { limit: 1 })).total).toBe(200);
      });
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it("keeps everything acknowledged across close and reopen", async () => {
        await store.createNode(node("a", { maxItems: 3 }), "alice@example.org");
        await store.setAffiliation("a", "bob@example.org", "publisher");
        await store.putSubscription({
          node: "a",
          jid: "carol@example.org/x",
          subid: "s1",
          state: "pending",
          options: {},
        });
        await fill("a", 5, 3);
        store = await reopen(store);
        expect(await store.getNode("a")).toEqual(node("a", { maxItems: 3 }));
        expect(await store.getAffiliation("a", "bob@example.org")).toBe("publisher");
        expect((await store.getSubscription("a", "carol@example.org/x"))?.state).toBe("pending");
        expect(ids((await store.getItems("a", { limit: 10 })).items)).toEqual(["i4", "i3", "i2"]);
        await store.putItem("a", item("new"), { maxItems: 3 });
        expect(ids((await store.getItems("a", { limit: 10 })).items)).toEqual(["new", "i4", "i3"]);
      });
    }
  });
}
