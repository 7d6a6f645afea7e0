import { describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, PAYLOAD, setup, value } from "./setup";

describe("pubsub service: subscriptions", () => {
  it("subscribes a bare or full JID of the sender and refuses another entity's JID", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "n"));
    expect(value(await service.subscribe(BOB, "n", "Bob@Example.org"))).toEqual({
      node: "n",
      jid: "bob@example.org",
      subid: "id1",
      state: "subscribed",
      options: { "pubsub#deliver": ["true"] },
    });
    expect(value(await service.subscribe(BOB, "n", BOB)).jid).toBe(BOB);
    expect(await service.subscribe(BOB, "n", CAROL)).toEqual({ ok: false, error: "invalid-jid" });
    expect(await service.subscribe(BOB, "n", undefined)).toEqual({ ok: false, error: "jid-required" });
    expect(await service.subscribe(BOB, "x", BOB)).toEqual({ ok: false, error: "item-not-found" });
    // Subscribing again returns the existing subscription.
    expect(value(await service.subscribe(BOB, "n", BOB)).subid).toBe("id2");
  });

  it("sends the last published item on subscribe when configured, marked as delayed", async () => {
    const { service, events } = setup();
    value(await service.create(ALICE, "n", { sendLastPublishedItem: "on_sub" }));
    value(await service.publish(ALICE, "n", { id: "last", payload: PAYLOAD }));
    value(await service.subscribe(BOB, "n", BOB));
    expect(events).toEqual([
      {
        type: "items",
        node: "n",
        items: [{ id: "last", payload: PAYLOAD, publisher: ALICE, published: 1_700_000_000_000 }],
        recipients: [{ jid: BOB, subid: "id1" }],
        payloads: true,
        delayed: true,
        messageType: "headline",
      },
    ]);
  });

  it("does not send the last item with send_last_published_item=never", async () => {
    const { service, events } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.publish(ALICE, "n", { id: "last", payload: PAYLOAD }));
    value(await service.subscribe(BOB, "n", BOB));
    expect(events).toEqual([]);
  });

  it("keeps authorize-model subscriptions pending until an owner approves", async () => {
    const { service, events } = setup();
    value(await service.create(ALICE, "n", { accessModel: "authorize" }));
    expect(value(await service.subscribe(BOB, "n", BOB)).state).toBe("pending");
    expect(events).toEqual([
      { type: "authorization", node: "n", owners: ["alice@example.org"], subscriber: BOB, subid: "id1" },
    ]);
    expect(await service.subscribe(BOB, "n", BOB)).toEqual({ ok: false, error: "pending-subscription" });
    expect(await service.authorize(BOB, "n", BOB, true)).toEqual({ ok: false, error: "forbidden" });
    events.length = 0;
    value(await service.authorize(ALICE, "n", BOB, true));
    expect(events).toEqual([
      { type: "subscription", node: "n", jid: BOB, state: "subscribed", subid: "id1" },
    ]);
    expect((await service.items(BOB, "n", {})).ok).toBe(true);
    value(await service.subscribe(CAROL, "n", CAROL));
    value(await service.authorize(ALICE, "n", CAROL, false));
    expect(value(await service.ownerSubscriptions(ALICE, "n")).map((s) => s.jid)).toEqual([BOB]);
  });

  it("limits subscriptions per node", async () => {
    const { service } = setup({ limits: { maxSubscriptionsPerNode: 1 } });
    value(await service.create(ALICE, "n"));
    value(await service.subscribe(BOB, "n", BOB));
    expect(await service.subscribe(CAROL, "n", CAROL)).toEqual({
      ok: false,
      error: "too-many-subscriptions",
    });
  });

  it("unsubscribes with the spec's errors", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.subscribe(BOB, "n", BOB));
    expect(await service.unsubscribe(CAROL, "n", BOB)).toEqual({ ok: false, error: "forbidden" });
    expect(await service.unsubscribe(BOB, "n", BOB, "wrong")).toEqual({ ok: false, error: "invalid-subid" });
    value(await service.unsubscribe(BOB, "n", BOB, "id1"));
    expect(await service.unsubscribe(BOB, "n", BOB)).toEqual({ ok: false, error: "not-subscribed" });
  });

  it("gets and sets subscription options; deliver=false stops notifications", async () => {
    const { service, events } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.subscribe(BOB, "n", BOB));
    expect(value(await service.getOptions(BOB, "n", BOB))).toEqual({
      options: { "pubsub#deliver": ["true"] },
      encodings: [],
    });
    expect(await service.setOptions(BOB, "n", BOB, { "pubsub#digest": ["true"] })).toEqual({
      ok: false,
      error: "invalid-options",
    });
    value(await service.setOptions(BOB, "n", BOB, { "pubsub#deliver": ["false"] }));
    value(await service.publish(ALICE, "n", { payload: PAYLOAD }));
    expect(events).toEqual([]);
  });

  it("lists the sender's own subscriptions and affiliations", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "a"));
    value(await service.create(ALICE, "b"));
    value(await service.subscribe(BOB, "a", BOB));
    value(await service.subscribe("bob@example.org/tablet", "b", "bob@example.org"));
    expect(value(await service.mySubscriptions(BOB)).map((s) => `${s.node} ${s.jid}`)).toEqual([
      `a ${BOB}`,
      "b bob@example.org",
    ]);
    expect(value(await service.mySubscriptions(BOB, "b"))).toHaveLength(1);
    expect(value(await service.myAffiliations(ALICE))).toEqual([
      { node: "a", affiliation: "owner" },
      { node: "b", affiliation: "owner" },
    ]);
  });
});

describe("pubsub service: owner management", () => {
  it("manages affiliations and never leaves a node without owner", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "n"));
    expect(await service.modifyAffiliations(BOB, "n", [])).toEqual({ ok: false, error: "forbidden" });
    expect(
      await service.modifyAffiliations(ALICE, "n", [{ jid: "alice@example.org", affiliation: "none" }]),
    ).toEqual({ ok: false, error: "not-acceptable" });
    expect(
      await service.modifyAffiliations(ALICE, "n", [{ jid: "not a jid@", affiliation: "member" }]),
    ).toEqual({
      ok: false,
      error: "invalid-jid",
    });
    value(
      await service.modifyAffiliations(ALICE, "n", [{ jid: "Bob@example.org", affiliation: "publisher" }]),
    );
    expect(value(await service.ownerAffiliations(ALICE, "n"))).toEqual(
      new Map([
        ["alice@example.org", "owner"],
        ["bob@example.org", "publisher"],
      ]),
    );
  });

  it("removes an outcast's subscriptions and tells it", async () => {
    const { service, events } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.subscribe(BOB, "n", BOB));
    value(await service.modifyAffiliations(ALICE, "n", [{ jid: "bob@example.org", affiliation: "outcast" }]));
    expect(events).toEqual([{ type: "subscription", node: "n", jid: BOB, state: "none" }]);
    expect(value(await service.ownerSubscriptions(ALICE, "n"))).toEqual([]);
    expect(await service.subscribe(BOB, "n", BOB)).toEqual({ ok: false, error: "forbidden" });
  });

  it("lets owners subscribe and unsubscribe others", async () => {
    const { service, events } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.modifySubscriptions(ALICE, "n", [{ jid: CAROL, state: "subscribed" }]));
    expect(events).toEqual([
      { type: "subscription", node: "n", jid: CAROL, state: "subscribed", subid: "id1" },
    ]);
    value(await service.modifySubscriptions(ALICE, "n", [{ jid: CAROL, state: "none" }]));
    expect(value(await service.ownerSubscriptions(ALICE, "n"))).toEqual([]);
  });
});
