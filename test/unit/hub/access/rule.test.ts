/* The one access rule: node access model and affiliations, plus the device registry for device
 * nodes, decided from what the stores hold now. */
import { describe, expect, it } from "vitest";
import { deviceReaders } from "../../../../hub/access/registry";
import { createAccessRule, type NodeFacts, payloadRefusal } from "../../../../hub/access/rule";
import { defaultConfigFor } from "../../../../hub/pubsub/node-config";
import { createMemoryStore } from "../../../../hub/pubsub/storage/memory";
import type { AccessModel, Affiliation } from "../../../../hub/pubsub/storage/types";
import { DEFAULT_LIMITS } from "../../../../hub/pubsub/types";

const config = (accessModel: AccessModel) => ({
  ...defaultConfigFor("n", {}, DEFAULT_LIMITS.maxItemsCeiling),
  accessModel,
});

function facts(
  accessModel: AccessModel,
  affs: Record<string, Affiliation> = {},
  readers?: string[],
): NodeFacts {
  return {
    node: { id: "n", config: config(accessModel), creator: "alice@x", created: 0 },
    affiliations: new Map(Object.entries(affs)),
    admins: new Set(["admin@x"]),
    readers: readers && new Set(readers),
  };
}

describe("payloadRefusal", () => {
  it("follows the access model for entities without an affiliation", () => {
    expect(payloadRefusal(facts("open"), "bob@x", false)).toBeUndefined();
    expect(payloadRefusal(facts("whitelist"), "bob@x", false)).toEqual({ ok: false, error: "closed-node" });
    expect(payloadRefusal(facts("authorize"), "bob@x", false)).toEqual({
      ok: false,
      error: "subscription-required",
    });
    expect(payloadRefusal(facts("authorize"), "bob@x", true)).toBeUndefined();
  });

  it("follows the affiliation: members and owners read, outcasts and publish-only do not", () => {
    const f = facts("whitelist", {
      "m@x": "member",
      "o@x": "owner",
      "out@x": "outcast",
      "po@x": "publish-only",
    });
    expect(payloadRefusal(f, "m@x", false)).toBeUndefined();
    expect(payloadRefusal(f, "o@x", false)).toBeUndefined();
    expect(payloadRefusal(f, "out@x", true)).toEqual({ ok: false, error: "forbidden" });
    expect(payloadRefusal(f, "po@x", true)).toEqual({ ok: false, error: "forbidden" });
    expect(payloadRefusal(facts("open", { "out@x": "outcast" }), "out@x", true)?.error).toBe("forbidden");
  });

  it("on a registered device's node also needs the registry: a stale member affiliation is not enough", () => {
    const f = facts("whitelist", { "m@x": "member", "r@x": "member" }, ["r@x"]);
    expect(payloadRefusal(f, "r@x", false)).toBeUndefined();
    expect(payloadRefusal(f, "m@x", false)).toEqual({ ok: false, error: "closed-node" });
    expect(payloadRefusal(f, "admin@x", false)).toBeUndefined(); // admins act as owners everywhere
  });
});

describe("createAccessRule", () => {
  it("decides from the stores as they are when asked", async () => {
    const store = createMemoryStore();
    await store.createNode({ id: "n", config: config("open"), creator: "alice@x", created: 0 }, "alice@x");
    const rule = createAccessRule({ store, admins: [] });
    expect(await rule.mayReceive("n", "bob@x/phone")).toBe(true);
    await store.setNodeConfig("n", config("whitelist"));
    expect(await rule.mayReceive("n", "bob@x/phone")).toBe(false);
    expect(await rule.refusal("n", "bob@x/phone")).toEqual({ ok: false, error: "closed-node" });
    await store.setAffiliation("n", "bob@x", "member");
    expect(await rule.mayReceive("n", "bob@x/phone")).toBe(true);
    expect(await rule.mayReceive("gone", "bob@x/phone")).toBe(false);
    expect(await rule.refusal("gone", "bob@x/phone")).toBeUndefined(); // the service says item-not-found
  });

  it("lets an approved subscriber of an authorize node receive, and a pending one not", async () => {
    const store = createMemoryStore();
    await store.createNode(
      { id: "n", config: config("authorize"), creator: "alice@x", created: 0 },
      "alice@x",
    );
    const rule = createAccessRule({ store, admins: [] });
    const sub = { node: "n", jid: "bob@x", subid: "s", state: "pending" as const, options: {} };
    await store.putSubscription(sub);
    expect(await rule.mayReceive("n", "bob@x/phone")).toBe(false);
    await store.putSubscription({ ...sub, state: "subscribed" });
    expect(await rule.mayReceive("n", "bob@x/phone")).toBe(true); // the bare subscription covers resources
  });

  it("asks the registry for nodes under devices/<id>/ only", async () => {
    const store = createMemoryStore();
    const whitelist = config("whitelist");
    for (const id of ["devices/d1/readings", "other"]) {
      await store.createNode({ id, config: whitelist, creator: "hub", created: 0 }, "hub");
      await store.setAffiliation(id, "bob@x", "member");
    }
    let readers = new Set(["bob@x"]);
    const asked: string[] = [];
    const registry = deviceReaders({
      readers: async (device) => {
        asked.push(device);
        return readers;
      },
    });
    const rule = createAccessRule({ store, admins: [], registry });
    expect(await rule.mayReceive("devices/d1/readings", "bob@x")).toBe(true);
    readers = new Set(); // the share ended; the affiliation is not updated yet
    expect(await rule.mayReceive("devices/d1/readings", "bob@x")).toBe(false);
    expect(await rule.mayReceive("other", "bob@x")).toBe(true);
    expect(asked).toEqual(["d1", "d1"]);
  });
});
