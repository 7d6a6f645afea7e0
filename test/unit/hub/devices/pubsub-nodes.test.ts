/* The DeviceNodes adapter over the real PubSub service and its in-memory store. */
import { describe, expect, it } from "vitest";
import { createDeviceNodeRules } from "../../../../hub/devices/node-rules";
import { createPubsubDeviceNodes, DeviceNodesError } from "../../../../hub/devices/pubsub-nodes";
import { createPubsubService } from "../../../../hub/pubsub/service";
import { createMemoryStore } from "../../../../hub/pubsub/storage/memory";
import { DEFAULT_LIMITS, type PubsubEvent } from "../../../../hub/pubsub/types";
import { makeReadingsPayload } from "../../../../shared/exi/payload";

const HUB = "hub.example.org";
const DEVICE = "kitchen@example.org/agent";
const ALICE = "alice@example.org/phone";
const PAYLOAD = "<x xmlns='urn:test'>1</x>";
/** A valid readings document of kitchen: readings nodes take nothing else (docs/design.md §2). */
const READINGS = makeReadingsPayload(
  { v: 1, dev: "kitchen", boot: "b", seq: 1, clk: "sync", r: [{ c: "temp", t: 1_699_999_999_000, v: 1 }] },
  "json",
).toString();
const LEAVES = ["readings", "state", "availability", "meta"];

function setup(admins = ["admin@example.org", HUB]) {
  const store = createMemoryStore();
  const events: PubsubEvent[] = [];
  let n = 0;
  const service = createPubsubService({
    store,
    broadcaster: { broadcast: (e) => events.push(e) },
    clock: { now: () => 1_700_000_000_000 },
    config: { domain: "example.org", admins, allowLocalUsers: false, limits: DEFAULT_LIMITS },
    newId: () => `id${++n}`,
    rules: createDeviceNodeRules({ domain: "example.org" }),
  });
  const nodes = createPubsubDeviceNodes({ service, hubJid: HUB, domain: "example.org" });
  return { store, service, nodes, events };
}

describe("pubsub device nodes", () => {
  it("creates four whitelist nodes: the device publishes readings/state/meta, the hub availability", async () => {
    const { store, service, nodes } = setup();
    await nodes.ensureNodes("kitchen");
    for (const leaf of LEAVES) {
      const node = `devices/kitchen/${leaf}`;
      expect((await store.getNode(node))?.config.accessModel).toBe("whitelist");
      const affs = Object.fromEntries(await store.getAffiliations(node));
      expect(affs).toEqual({
        [HUB]: "owner",
        "kitchen@example.org": leaf === "availability" ? "member" : "publisher",
      });
    }
    expect(
      (await service.publish(DEVICE, "devices/kitchen/readings", { id: "b-1", payload: READINGS })).ok,
    ).toBe(true);
    expect(
      await service.publish(DEVICE, "devices/kitchen/availability", { id: "current", payload: PAYLOAD }),
    ).toMatchObject({
      ok: false,
      error: "forbidden",
    });
    expect(
      (await service.publish(HUB, "devices/kitchen/availability", { id: "current", payload: PAYLOAD })).ok,
    ).toBe(true);
    expect(await service.subscribe(ALICE, "devices/kitchen/readings", ALICE)).toMatchObject({
      error: "closed-node",
    });
  });

  it("is idempotent and takes over nodes a device created itself", async () => {
    const { store, service, nodes } = setup();
    expect((await service.create(DEVICE, "devices/kitchen/state")).ok).toBe(true);
    await service.configure(DEVICE, "devices/kitchen/state", { accessModel: "open" });
    await nodes.ensureNodes("kitchen");
    await nodes.ensureNodes("kitchen");
    const node = await store.getNode("devices/kitchen/state");
    expect(node?.config.accessModel).toBe("whitelist");
    expect(Object.fromEntries(await store.getAffiliations("devices/kitchen/state"))).toEqual({
      [HUB]: "owner",
      "kitchen@example.org": "publisher",
    });
  });

  it("members subscribe and read; set back to none, their subscriptions end and reads are refused", async () => {
    const { service, nodes, events } = setup();
    await nodes.ensureNodes("kitchen");
    const node = "devices/kitchen/readings";
    await nodes.setAffiliation(node, "alice@example.org", "member");
    expect((await service.subscribe(ALICE, node, ALICE)).ok).toBe(true);
    expect((await service.subscribe(ALICE, node, "alice@example.org")).ok).toBe(true);
    expect((await service.items(ALICE, node, {})).ok).toBe(true);
    events.length = 0;
    await nodes.setAffiliation(node, "alice@example.org", "none");
    expect(await service.items(ALICE, node, {})).toMatchObject({ error: "closed-node" });
    const subs = await service.ownerSubscriptions(HUB, node);
    expect(subs.ok && subs.value).toEqual([]);
    const ended = events.flatMap((e) => (e.type === "subscription" ? [`${e.jid} ${e.state}`] : []));
    expect(ended.sort()).toEqual(["alice@example.org none", `${ALICE} none`]);
    expect(await service.subscribe(ALICE, node, ALICE)).toMatchObject({ error: "closed-node" });
  });

  it("revoking on a node that is gone is a no-op; granting on it is an error", async () => {
    const { nodes } = setup();
    await expect(
      nodes.setAffiliation("devices/gone/state", "alice@example.org", "none"),
    ).resolves.toBeUndefined();
    await expect(nodes.setAffiliation("devices/gone/state", "alice@example.org", "member")).rejects.toThrow(
      DeviceNodesError,
    );
  });

  it("says so when the hub is not a PubSub admin", async () => {
    const { nodes } = setup(["admin@example.org"]);
    await expect(nodes.ensureNodes("kitchen")).rejects.toThrow(/must be a PubSub admin/);
  });
});
