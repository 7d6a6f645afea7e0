/* Quotas under pipelined requests, through a real Prosody: 50 creates sent at once by one owner
 * against a limit of 3 nodes, 50 subscribes at once against a limit of 3 subscriptions per node.
 * Exactly 3 succeed; every other request gets the quota error the service answers one at a time.
 * References: XEP-0060 §8.1.3 and §14.2 (max-nodes-exceeded), §6.1.3 and §14.2
 * (too-many-subscriptions), hub/pubsub/storage/types.ts (quota checked and taken in the write). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeSubscribe } from "../../shared/xmpp/pubsub";
import { makeCreate } from "../../shared/xmpp/pubsub-owner";
import { create, expectError, HUB } from "../helpers/pubsub";
import { startServer, type TestServer } from "./server";

const LIMIT = 3;
const N = 50;

describe("quotas under pipelined requests", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let bob: ClientConnection;

  beforeAll(async () => {
    server = await startServer();
    await server.hub([
      "--hub.allowLocalUsers",
      "--pubsub.maxNodesPerOwner",
      String(LIMIT),
      "--pubsub.maxSubscriptionsPerNode",
      String(LIMIT),
      "--pubsub.publishRate",
      "100000",
      "--pubsub.publishBurst",
      "100000",
    ]);
    alice = await server.client(await server.register("alice"));
    bob = await server.client(await server.register("bob"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(`creates exactly ${LIMIT} of ${N} pipelined creates; the rest get max-nodes-exceeded`, async () => {
    const requests = Array.from({ length: N }, (_, i) => alice.request(makeCreate(HUB, `q${i}`)));
    const outcomes = await Promise.allSettled(requests);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(LIMIT);
    for (const [i, o] of outcomes.entries()) {
      if (o.status === "fulfilled") continue;
      await expectError(requests[i] as Promise<unknown>, {
        type: "cancel",
        condition: "not-allowed",
        pubsub: "max-nodes-exceeded",
      });
    }
    // Still full afterwards, one at a time.
    await expectError(create(alice, "one-more"), {
      type: "cancel",
      condition: "not-allowed",
      pubsub: "max-nodes-exceeded",
    });
  });

  it(`subscribes exactly ${LIMIT} of ${N} pipelined subscribes; the rest get too-many-subscriptions`, async () => {
    await create(bob, "popular");
    const requests = Array.from({ length: N }, (_, i) =>
      bob.request(makeSubscribe(HUB, "popular", `bob@localhost/r${i}`)),
    );
    const outcomes = await Promise.allSettled(requests);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(LIMIT);
    for (const [i, o] of outcomes.entries()) {
      if (o.status === "fulfilled") continue;
      await expectError(requests[i] as Promise<unknown>, {
        type: "cancel",
        condition: "not-allowed",
        pubsub: "too-many-subscriptions",
      });
    }
  });
});
