/* Injected rules: the generic service knows no device nodes; the hub's device rules add them,
 * and an injected itemcheck decides how every item is stored.
 * References: XEP-0060 §8.1.3.2, §7.1.2; docs/design.md §2 (device nodes, append-only readings). */
import { describe, expect, it } from "vitest";
import { createDeviceNodeRules, deviceNodeDefaults } from "../../../../hub/devices/node-rules";
import { BASE_NODE_CONFIG } from "../../../../hub/pubsub/node-config";
import type { NodeRules } from "../../../../hub/pubsub/rules";
import { ALICE, BOB, DEVICE, PAYLOAD, setup, value } from "./setup";

describe("generic service without rules", () => {
  it("treats devices/ like any other name: no subtree rights, defaults or append-only items", async () => {
    const { service, store, changes } = setup({}, {});
    value(await service.create(ALICE, "devices/dev1/readings"));
    expect((await store.getNode("devices/dev1/readings"))?.config).toEqual(BASE_NODE_CONFIG);
    expect(await store.getAffiliation("devices/dev1/readings", "dev1@example.org")).toBe("none");
    value(await service.publish(ALICE, "devices/dev1/readings", { id: "a", payload: PAYLOAD }));
    value(await service.publish(ALICE, "devices/dev1/readings", { id: "a", payload: "<o xmlns='urn:t'/>" }));
    expect(changes.filter((c) => c.type === "published")).toHaveLength(2);
  });
});

describe("injected itemcheck", () => {
  it("is consulted with the node and the item, and its verdict decides", async () => {
    const seen: string[] = [];
    const rules: NodeRules = {
      itemcheck(node, item) {
        seen.push(`${node.id} ${item.id} ${item.publisher}`);
        if (item.payload.includes("bad")) return { ok: false, error: "invalid-payload" };
        return node.id === "log" ? "append-only" : "replace";
      },
    };
    const { service, store, events } = setup({}, rules);
    value(await service.create(ALICE, "log"));
    value(await service.create(ALICE, "n"));
    value(await service.subscribe(BOB, "log", BOB));
    expect(await service.publish(ALICE, "n", { id: "x", payload: "<bad xmlns='urn:t'/>" })).toEqual({
      ok: false,
      error: "invalid-payload",
    });
    expect(await store.getItem("n", "x")).toBeUndefined();
    value(await service.publish(ALICE, "log", { id: "1", payload: PAYLOAD }));
    value(await service.publish(ALICE, "log", { id: "1", payload: PAYLOAD }));
    expect(await service.publish(ALICE, "log", { id: "1", payload: "<o xmlns='urn:t'/>" })).toEqual({
      ok: false,
      error: "conflict",
    });
    expect(events.filter((e) => e.type === "items")).toHaveLength(1);
    expect(seen).toEqual([`n x ${ALICE}`, `log 1 ${ALICE}`, `log 1 ${ALICE}`, `log 1 ${ALICE}`]);
  });
});

describe("device node rules", () => {
  const rules = createDeviceNodeRules({ domain: "Example.org" });
  const jid = (bare: string) => {
    const [local = "", domain = ""] = bare.split("@");
    return { local, domain, bare, full: `${bare}/r`, resource: "r" };
  };

  it("let a device create under its own subtree only, and nobody else under devices/", () => {
    expect(rules.mayCreate?.(jid("dev1@example.org"), "devices/dev1/readings")).toBe(true);
    expect(rules.mayCreate?.(jid("dev1@example.org"), "devices/dev2/readings")).toBe(false);
    expect(rules.mayCreate?.(jid("alice@example.org"), "devices/x")).toBe(false);
    expect(rules.mayCreate?.(jid("alice@example.org"), "news")).toBeUndefined();
    expect(rules.mayCreate?.(jid("alice@example.org"), undefined)).toBeUndefined();
  });

  it("give device nodes whitelist defaults and the device as publisher", () => {
    expect(deviceNodeDefaults("news", BASE_NODE_CONFIG)).toBe(BASE_NODE_CONFIG);
    expect(deviceNodeDefaults("devices/d/readings", BASE_NODE_CONFIG)).toMatchObject({
      accessModel: "whitelist",
      maxItems: 1000,
    });
    expect(deviceNodeDefaults("devices/d/state", BASE_NODE_CONFIG)).toMatchObject({
      accessModel: "whitelist",
      maxItems: 1,
      sendLastPublishedItem: "on_sub",
    });
    expect(rules.initialAffiliations?.("devices/d/meta", "admin@example.org")).toEqual([
      { jid: "d@example.org", affiliation: "publisher" },
    ]);
    expect(rules.initialAffiliations?.("news", "admin@example.org")).toEqual([]);
  });

  it("leave the other device nodes replaceable: the last state wins", async () => {
    const { service } = setup();
    value(await service.create(DEVICE, "devices/dev1/state"));
    value(await service.publish(DEVICE, "devices/dev1/state", { id: "s", payload: PAYLOAD }));
    expect(
      (await service.publish(DEVICE, "devices/dev1/state", { id: "s", payload: "<o xmlns='u'/>" })).ok,
    ).toBe(true);
  });
});
