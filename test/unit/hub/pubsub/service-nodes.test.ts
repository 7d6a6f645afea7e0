import { describe, expect, it } from "vitest";
import { BASE_NODE_CONFIG } from "../../../../hub/pubsub/node-config";
import { ADMIN, ALICE, BOB, DEVICE, PAYLOAD, STRANGER, setup, value } from "./setup";

describe("pubsub service: node lifecycle", () => {
  it("creates a node with configuration and makes the creator owner", async () => {
    const { service, store } = setup();
    expect(await service.create(ALICE, "news", { title: "News", maxItems: 5 })).toEqual({
      ok: true,
      value: "news",
    });
    expect((await store.getNode("news"))?.config).toEqual({
      ...BASE_NODE_CONFIG,
      title: "News",
      maxItems: 5,
    });
    expect(await store.getAffiliation("news", "alice@example.org")).toBe("owner");
    expect(await service.create(BOB, "news")).toEqual({ ok: false, error: "conflict" });
  });

  it("creates instant nodes with a generated name", async () => {
    const { service } = setup();
    expect(await service.create(ALICE)).toEqual({ ok: true, value: "instant-id1" });
  });

  it("applies the creation policy: admins, devices under their subtree, local users when allowed", async () => {
    const closed = setup({ allowLocalUsers: false });
    expect(await closed.service.create(ALICE, "x")).toEqual({ ok: false, error: "forbidden" });
    expect((await closed.service.create(ADMIN, "x")).ok).toBe(true);
    expect((await closed.service.create(DEVICE, "devices/dev1/readings")).ok).toBe(true);
    expect(await closed.service.create(DEVICE, "devices/dev2/readings")).toEqual({
      ok: false,
      error: "forbidden",
    });
    const open = setup();
    expect(await open.service.create(STRANGER, "x")).toEqual({ ok: false, error: "forbidden" });
    expect(await open.service.create(ALICE, "devices/dev1/state")).toEqual({ ok: false, error: "forbidden" });
  });

  it("gives device nodes whitelist access and the device as publisher", async () => {
    const { service, store } = setup();
    value(await service.create(ADMIN, "devices/dev1/readings"));
    const node = await store.getNode("devices/dev1/readings");
    expect([node?.config.accessModel, node?.config.maxItems]).toEqual(["whitelist", 1000]);
    expect(await store.getAffiliation("devices/dev1/readings", "dev1@example.org")).toBe("publisher");
    expect(await service.subscribe(BOB, "devices/dev1/readings", BOB)).toEqual({
      ok: false,
      error: "closed-node",
    });
  });

  it("keeps default max_items within a small service ceiling, so device nodes can still be created", async () => {
    const { service, store } = setup({ limits: { maxItemsCeiling: 50 } });
    value(await service.create(DEVICE, "devices/dev1/readings"));
    expect((await store.getNode("devices/dev1/readings"))?.config.maxItems).toBe(50);
    const defaults = service.defaultConfig("devices/dev1/readings");
    expect(defaults.ok && defaults.value.maxItems).toBe(50);
    expect(await service.create(DEVICE, "devices/dev1/state", { maxItems: 51 })).toEqual({
      ok: false,
      error: "max-items-exceeded",
    });
  });

  it("refuses presence and roster access models with the unsupported feature", async () => {
    const { service } = setup();
    expect(await service.create(ALICE, "n", { accessModel: "presence" })).toEqual({
      ok: false,
      error: "unsupported",
      feature: "access-presence",
    });
    value(await service.create(ALICE, "n"));
    expect(await service.configure(ALICE, "n", { accessModel: "roster" })).toEqual({
      ok: false,
      error: "unsupported",
      feature: "access-roster",
    });
  });

  it("limits nodes per owner", async () => {
    const { service } = setup({ limits: { maxNodesPerOwner: 2 } });
    value(await service.create(ALICE, "a"));
    value(await service.create(ALICE, "b"));
    expect(await service.create(ALICE, "c")).toEqual({ ok: false, error: "max-nodes-exceeded" });
  });

  it("configures: owners only, invalid values not acceptable, trims on smaller max_items", async () => {
    const { service, store, events } = setup();
    value(await service.create(ALICE, "n", { notifyConfig: true }));
    value(await service.subscribe(BOB, "n", BOB));
    for (const id of ["1", "2", "3"]) value(await service.publish(ALICE, "n", { id, payload: PAYLOAD }));
    expect(await service.configure(BOB, "n", { maxItems: 1 })).toEqual({ ok: false, error: "forbidden" });
    expect(await service.configure(ALICE, "n", { maxItems: 0 })).toEqual({
      ok: false,
      error: "not-acceptable",
    });
    expect(await service.configure(ALICE, "n", { maxItems: 10_001 })).toEqual({
      ok: false,
      error: "max-items-exceeded",
    });
    expect(await service.configure(ALICE, "missing", {})).toEqual({ ok: false, error: "item-not-found" });
    events.length = 0;
    value(await service.configure(ALICE, "n", { maxItems: 1 }));
    expect((await store.getItems("n", { limit: 10 })).items.map((i) => i.id)).toEqual(["3"]);
    expect(events).toEqual([{ type: "config", node: "n", recipients: [{ jid: BOB, subid: "id1" }] }]);
    expect(value(await service.getConfig(ALICE, "n")).maxItems).toBe(1);
  });

  it("deletes a node, notifying subscribers with the redirect", async () => {
    const { service, store, events } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.subscribe(BOB, "n", BOB));
    expect(await service.deleteNode(BOB, "n")).toEqual({ ok: false, error: "forbidden" });
    value(await service.deleteNode(ALICE, "n", "xmpp:hub.example.org?;node=m"));
    expect(events).toEqual([
      {
        type: "delete",
        node: "n",
        recipients: [{ jid: BOB, subid: "id1" }],
        redirect: "xmpp:hub.example.org?;node=m",
      },
    ]);
    expect(await store.getNode("n")).toBeUndefined();
    expect(await service.deleteNode(ALICE, "n")).toEqual({ ok: false, error: "item-not-found" });
  });

  it("purges items and notifies", async () => {
    const { service, store, events } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.subscribe(BOB, "n", BOB));
    value(await service.publish(ALICE, "n", { id: "1", payload: PAYLOAD }));
    events.length = 0;
    expect(await service.purge(BOB, "n")).toEqual({ ok: false, error: "forbidden" });
    value(await service.purge(ALICE, "n"));
    expect(await store.lastItem("n")).toBeUndefined();
    expect(events).toEqual([{ type: "purge", node: "n", recipients: [{ jid: BOB, subid: "id1" }] }]);
  });

  it("lists nodes, hiding whitelist nodes from unaffiliated entities", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "open"));
    value(await service.create(ALICE, "closed", { accessModel: "whitelist" }));
    expect(value(await service.listNodes(BOB)).map((n) => n.id)).toEqual(["open"]);
    expect(
      value(await service.listNodes(ALICE))
        .map((n) => n.id)
        .sort(),
    ).toEqual(["closed", "open"]);
  });

  it("gives node metadata with owners and item count", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.publish(ALICE, "n", { id: "1", payload: PAYLOAD }));
    const meta = value(await service.nodeMeta(BOB, "n"));
    expect([meta.owners, meta.publishers, meta.itemCount]).toEqual([["alice@example.org"], [], 1]);
  });

  it("hides a whitelist node's metadata from those without an affiliation, as the node list does", async () => {
    const { service } = setup();
    value(await service.create(ALICE, "closed", { accessModel: "whitelist" }));
    expect(await service.nodeMeta(BOB, "closed")).toEqual({ ok: false, error: "item-not-found" });
    expect(value(await service.nodeMeta(ALICE, "closed")).owners).toEqual(["alice@example.org"]);
  });
});
