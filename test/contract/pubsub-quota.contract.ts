/* Shared contract: quotas are checked and taken in the same write as the insert, so pipelined
 * requests never exceed them (nodes per owner, subscriptions per node), for every PubsubStore.
 * References: XEP-0060 §14.2 (max-nodes-exceeded, too-many-subscriptions), hub/pubsub/storage/types.ts. */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BASE_NODE_CONFIG } from "../../hub/pubsub/node-config";
import type { NodeRecord, PubsubStore, SubscriptionRecord } from "../../hub/pubsub/storage/types";
import type { StoreFactory } from "./pubsub-store.contract";

const LIMIT = 3;
const N = 50;

const node = (id: string): NodeRecord => ({
  id,
  config: { ...BASE_NODE_CONFIG, maxItems: 10 },
  creator: "alice@example.org",
  created: 1000,
});
const sub = (jid: string, subid = `s-${jid}`): SubscriptionRecord => ({
  node: "a",
  jid,
  subid,
  state: "subscribed",
  options: { "pubsub#deliver": ["true"] },
});
const count = <T>(values: T[], value: T): number => values.filter((v) => v === value).length;

export function pubsubQuotaContract(name: string, factory: StoreFactory): void {
  describe(`PubsubStore quota contract: ${name}`, () => {
    let store: PubsubStore;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
      await factory.cleanup?.();
    });

    it(`lets exactly ${LIMIT} of ${N} concurrent creates by one owner through`, async () => {
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) => store.createNode(node(`n${i}`), "alice@example.org", LIMIT)),
      );
      expect(count(results, true)).toBe(LIMIT);
      expect(count(results, "quota")).toBe(N - LIMIT);
      expect(await store.countOwnedNodes("alice@example.org")).toBe(LIMIT);
      expect((await store.listNodes()).length).toBe(LIMIT);
      // Another owner has a quota of its own; a taken id is still "false", not a quota.
      expect(await store.createNode(node("n0"), "bob@example.org", LIMIT)).toBe(false);
      expect(await store.createNode(node("b1"), "bob@example.org", LIMIT)).toBe(true);
      // Without a limit (admins) the count does not apply.
      expect(await store.createNode(node("x"), "alice@example.org")).toBe(true);
    });

    it(`lets exactly ${LIMIT} of ${N} concurrent subscriptions to one node through`, async () => {
      await store.createNode(node("a"), "alice@example.org");
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) => store.addSubscription(sub(`u${i}@example.org`), LIMIT)),
      );
      expect(
        count(
          results.map((r) => r.status),
          "added",
        ),
      ).toBe(LIMIT);
      expect(
        count(
          results.map((r) => r.status),
          "quota",
        ),
      ).toBe(N - LIMIT);
      expect(await store.countSubscriptions("a")).toBe(LIMIT);
      expect((await store.getSubscriptions("a")).length).toBe(LIMIT);
    });

    it("keeps the first of concurrent subscriptions of one JID and reports it to the others", async () => {
      await store.createNode(node("a"), "alice@example.org");
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) => store.addSubscription(sub("bob@example.org", `s${i}`), LIMIT)),
      );
      expect(results[0]).toEqual({ status: "added" });
      for (const r of results.slice(1))
        expect(r).toEqual({ status: "exists", existing: sub("bob@example.org", "s0") });
      expect(await store.getSubscription("a", "bob@example.org")).toEqual(sub("bob@example.org", "s0"));
      expect(await store.countSubscriptions("a")).toBe(1);
    });
  });
}
