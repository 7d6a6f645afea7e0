import { describe, expect, it } from "vitest";
import { ADMIN, ALICE, BOB, CAROL, DEVICE, PAYLOAD, readingsPayload, setup, value } from "./setup";

describe("pubsub service: publish, retract, items", () => {
  it("publishes with and without id and notifies subscribers with the payload", async () => {
    const { service, events } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.subscribe(BOB, "n", BOB));
    expect(await service.publish(ALICE, "n", { id: "a", payload: PAYLOAD })).toEqual({
      ok: true,
      value: "a",
    });
    expect(await service.publish(ALICE, "n", { payload: PAYLOAD })).toEqual({ ok: true, value: "id2" });
    expect(events[0]).toEqual({
      type: "items",
      node: "n",
      items: [{ id: "a", payload: PAYLOAD, publisher: ALICE, published: 1_700_000_000_000 }],
      recipients: [{ jid: BOB, subid: "id1" }],
      payloads: true,
      delayed: false,
      messageType: "headline",
    });
    expect(events).toHaveLength(2);
  });

  it("refuses publishers without rights and unknown nodes", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "n"));
    expect(await service.publish(BOB, "n", { payload: PAYLOAD })).toEqual({ ok: false, error: "forbidden" });
    expect(await service.publish(ALICE, "x", { payload: PAYLOAD })).toEqual({
      ok: false,
      error: "item-not-found",
    });
    expect(await service.publish(ALICE, undefined, { payload: PAYLOAD })).toEqual({
      ok: false,
      error: "nodeid-required",
    });
    expect(await service.publish(ALICE, "n", { payload: "" })).toEqual({
      ok: false,
      error: "payload-required",
    });
  });

  it("honours publish_model subscribers and open", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "s", { publishModel: "subscribers" }));
    expect((await service.publish(BOB, "s", { payload: PAYLOAD })).ok).toBe(false);
    value(await service.subscribe(BOB, "s", BOB));
    expect((await service.publish(BOB, "s", { payload: PAYLOAD })).ok).toBe(true);
    value(await service.create(ALICE, "o", { publishModel: "open" }));
    expect((await service.publish(CAROL, "o", { payload: PAYLOAD })).ok).toBe(true);
    value(
      await service.modifyAffiliations(ALICE, "o", [{ jid: "carol@example.org", affiliation: "outcast" }]),
    );
    expect(await service.publish(CAROL, "o", { payload: PAYLOAD })).toEqual({
      ok: false,
      error: "forbidden",
    });
  });

  it("refuses payloads above the size limit", async () => {
    const { service } = setup({ limits: { maxPayloadBytes: 100 } });
    value(await service.create(ALICE, "n"));
    const big = `<x xmlns='urn:test'>${"é".repeat(45)}</x>`; // 108 bytes, 63 characters
    expect(await service.publish(ALICE, "n", { payload: big })).toEqual({
      ok: false,
      error: "payload-too-big",
    });
  });

  it("checks publish-options preconditions", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "n", { accessModel: "whitelist" }));
    expect(
      (await service.publish(ALICE, "n", { payload: PAYLOAD, options: { accessModel: "whitelist" } })).ok,
    ).toBe(true);
    expect(await service.publish(ALICE, "n", { payload: PAYLOAD, options: { accessModel: "open" } })).toEqual(
      {
        ok: false,
        error: "precondition-not-met",
      },
    );
  });

  it("rate-limits publishes per bare JID with refill over time", async () => {
    const s = setup({ limits: { publishRate: 1, publishBurst: 2 } });
    value(await s.service.create(ALICE, "n"));
    expect((await s.service.publish(ALICE, "n", { payload: PAYLOAD })).ok).toBe(true);
    expect((await s.service.publish("alice@example.org/other", "n", { payload: PAYLOAD })).ok).toBe(true);
    expect(await s.service.publish(ALICE, "n", { payload: PAYLOAD })).toEqual({
      ok: false,
      error: "rate-limited",
    });
    s.advance(1000);
    expect((await s.service.publish(ALICE, "n", { payload: PAYLOAD })).ok).toBe(true);
  });

  it("keeps readings nodes append-only: same payload acknowledged once, different payload conflicts", async () => {
    const { service, store, events } = setup();
    const node = "devices/dev1/readings";
    value(await service.create(DEVICE, node));
    value(
      await service.modifyAffiliations(DEVICE, node, [{ jid: "bob@example.org", affiliation: "member" }]),
    );
    value(await service.subscribe(BOB, node, BOB));
    events.length = 0;
    const READINGS = readingsPayload("dev1");
    expect(await service.publish(DEVICE, node, { id: "b1-1", payload: READINGS })).toEqual({
      ok: true,
      value: "b1-1",
    });
    expect(await service.publish(DEVICE, node, { id: "b1-1", payload: READINGS })).toEqual({
      ok: true,
      value: "b1-1",
    });
    expect(await service.publish(DEVICE, node, { id: "b1-1", payload: readingsPayload("dev1", 2) })).toEqual({
      ok: false,
      error: "conflict",
    });
    expect(events).toHaveLength(1);
    expect((await store.getItem(node, "b1-1"))?.payload).toBe(READINGS);
  });

  it("replaces items with the same id on ordinary nodes and trims to max_items", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "n", { maxItems: 2 }));
    for (const id of ["1", "2", "3"]) value(await service.publish(ALICE, "n", { id, payload: PAYLOAD }));
    value(await service.publish(ALICE, "n", { id: "2", payload: "<new xmlns='urn:test'/>" }));
    const got = value(await service.items(ALICE, "n", {}));
    expect(got.items.map((i) => [i.id, i.payload])).toEqual([
      ["2", "<new xmlns='urn:test'/>"],
      ["3", PAYLOAD],
    ]);
  });

  it("treats max_items=max as the service ceiling", async () => {
    const { service } = setup({ limits: { maxItemsCeiling: 3 } });
    value(await service.create(ALICE, "n", { maxItems: "max" }));
    for (const id of ["1", "2", "3", "4"]) value(await service.publish(ALICE, "n", { id, payload: PAYLOAD }));
    expect(value(await service.items(ALICE, "n", {})).items.map((i) => i.id)).toEqual(["4", "3", "2"]);
  });

  it("retracts with permission checks and notify rules", async () => {
    const { service, events } = setup();
    value(await service.create(ALICE, "n", { notifyRetract: false }));
    value(
      await service.modifyAffiliations(ALICE, "n", [
        { jid: "carol@example.org", affiliation: "publish-only" },
      ]),
    );
    value(await service.subscribe(BOB, "n", BOB));
    value(await service.publish(ALICE, "n", { id: "a", payload: PAYLOAD }));
    value(await service.publish(CAROL, "n", { id: "c", payload: PAYLOAD }));
    events.length = 0;
    expect(await service.retract(CAROL, "n", "a")).toEqual({ ok: false, error: "forbidden" });
    expect(await service.retract(BOB, "n", "a")).toEqual({ ok: false, error: "forbidden" });
    expect(await service.retract(ALICE, "n", undefined)).toEqual({ ok: false, error: "item-required" });
    expect(await service.retract(ALICE, "n", "zz")).toEqual({ ok: false, error: "item-not-found" });
    value(await service.retract(CAROL, "n", "c"));
    expect(events).toEqual([]);
    value(await service.retract(ALICE, "n", "a", true));
    expect(events).toEqual([
      { type: "retract", node: "n", ids: ["a"], recipients: [{ jid: BOB, subid: "id1" }] },
    ]);
  });

  it("retrieves items newest first, by id, with max_items and RSM paging under the page cap", async () => {
    const { service } = setup({ limits: { maxItemsPerPage: 3 } });
    value(await service.create(ALICE, "n"));
    for (let i = 1; i <= 5; i++) value(await service.publish(ALICE, "n", { id: `${i}`, payload: PAYLOAD }));
    const ids = (r: { items: Array<{ id: string }> }) => r.items.map((i) => i.id);
    const first = value(await service.items(BOB, "n", {}));
    expect([ids(first), first.total, first.firstIndex]).toEqual([["5", "4", "3"], 5, 0]);
    const next = value(await service.items(BOB, "n", { rsmMax: 10, after: "3" }));
    expect([ids(next), next.firstIndex]).toEqual([["2", "1"], 3]);
    expect(ids(value(await service.items(BOB, "n", { max: 2 })))).toEqual(["5", "4"]);
    expect(ids(value(await service.items(BOB, "n", { ids: ["2", "9", "4"] })))).toEqual(["2", "4"]);
    expect(await service.items(BOB, "n", { after: "nope" })).toEqual({ ok: false, error: "item-not-found" });
  });

  it("enforces access models on retrieval", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "w", { accessModel: "whitelist" }));
    value(await service.create(ALICE, "a", { accessModel: "authorize" }));
    expect(await service.items(BOB, "w", {})).toEqual({ ok: false, error: "closed-node" });
    expect(await service.items(BOB, "a", {})).toEqual({ ok: false, error: "subscription-required" });
    value(await service.modifyAffiliations(ALICE, "w", [{ jid: "bob@example.org", affiliation: "member" }]));
    expect((await service.items(BOB, "w", {})).ok).toBe(true);
    expect((await service.items(ADMIN, "a", {})).ok).toBe(true);
    value(await service.modifyAffiliations(ALICE, "w", [{ jid: "bob@example.org", affiliation: "outcast" }]));
    expect(await service.items(BOB, "w", {})).toEqual({ ok: false, error: "forbidden" });
  });

  it("expires items after item_expire seconds, on read and by sweep", async () => {
    const s = setup();
    value(await s.service.create(ALICE, "n", { itemExpire: 60 }));
    value(await s.service.publish(ALICE, "n", { id: "old", payload: PAYLOAD }));
    s.advance(30_000);
    value(await s.service.publish(ALICE, "n", { id: "new", payload: PAYLOAD }));
    s.advance(31_000);
    expect(value(await s.service.items(ALICE, "n", {})).items.map((i) => i.id)).toEqual(["new"]);
    expect(await s.service.sweepExpired()).toBe(1);
    expect(await s.store.getItem("n", "old")).toBeUndefined();
  });
});
