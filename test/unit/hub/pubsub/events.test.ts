/* The service's typed events, seen by a spy listener (as Prosody's spec spies on its broadcaster):
 * each accepted change once, with its fields, after the store has it; refusals emit nothing.
 * References: XEP-0060 §7.1, §7.2, §8.1-§8.5, §8.8, §8.9; bjc/prosody spec/util_pubsub_spec.lua (spy). */
import { describe, expect, it } from "vitest";
import { createServiceEmitter, createServiceListener } from "../../../../hub/pubsub/events";
import { createPubsubService } from "../../../../hub/pubsub/service";
import { createMemoryStore } from "../../../../hub/pubsub/storage/memory";
import { DEFAULT_LIMITS } from "../../../../hub/pubsub/types";
import { ADMIN, ALICE, BOB, CAROL, DEVICE, PAYLOAD, readingsPayload, setup, value } from "./setup";

const T = 1_700_000_000_000;

describe("pubsub service events", () => {
  it("emits created, published, retracted, purged and node-deleted once each, with their fields", async () => {
    const { service, changes } = setup();
    value(await service.create(ALICE, "n", { title: "N" }));
    value(await service.publish(ALICE, "n", { id: "a", payload: PAYLOAD }));
    value(await service.retract(ALICE, "n", "a"));
    value(await service.publish(ALICE, "n", { id: "b", payload: PAYLOAD }));
    value(await service.purge(ALICE, "n"));
    value(await service.deleteNode(ALICE, "n", "xmpp:hub.example.org?;node=m"));
    expect(changes.map((c) => c.type)).toEqual([
      "created",
      "published",
      "retracted",
      "published",
      "purged",
      "node-deleted",
    ]);
    expect(changes[0]).toMatchObject({ type: "created", node: "n", owner: "alice@example.org" });
    expect(changes[0]?.type === "created" && changes[0].config.title).toBe("N");
    expect(changes[1]).toEqual({
      type: "published",
      node: "n",
      id: "a",
      publisher: ALICE,
      payload: PAYLOAD,
      published: T,
    });
    expect(changes[2]).toEqual({ type: "retracted", node: "n", id: "a", actor: ALICE });
    expect(changes[4]).toEqual({ type: "purged", node: "n", actor: ALICE });
    expect(changes[5]).toEqual({
      type: "node-deleted",
      node: "n",
      actor: ALICE,
      redirect: "xmpp:hub.example.org?;node=m",
    });
  });

  it("emits configured with the new configuration", async () => {
    const { service, changes } = setup();
    value(await service.create(ALICE, "n"));
    value(await service.configure(ALICE, "n", { maxItems: 3 }));
    expect(changes[1]).toMatchObject({ type: "configured", node: "n", actor: ALICE });
    expect(changes[1]?.type === "configured" && changes[1].config.maxItems).toBe(3);
  });

  it("emits nothing for refused requests", async () => {
    const { service, changes } = setup();
    value(await service.create(ALICE, "n"));
    changes.length = 0;
    expect((await service.publish(BOB, "n", { payload: PAYLOAD })).ok).toBe(false);
    expect((await service.retract(BOB, "n", "x")).ok).toBe(false);
    expect((await service.purge(BOB, "n")).ok).toBe(false);
    expect((await service.deleteNode(BOB, "n")).ok).toBe(false);
    expect((await service.configure(BOB, "n", {})).ok).toBe(false);
    expect((await service.create(BOB, "n")).ok).toBe(false);
    expect(changes).toEqual([]);
  });

  it("an idempotent republish emits republished, never a second published; a conflict emits nothing", async () => {
    const { service, changes } = setup();
    const node = "devices/dev1/readings";
    value(await service.create(DEVICE, node));
    const READINGS = readingsPayload("dev1");
    value(await service.publish(DEVICE, node, { id: "b1-1", payload: READINGS }));
    value(await service.publish(DEVICE, node, { id: "b1-1", payload: READINGS }));
    expect(await service.publish(DEVICE, node, { id: "b1-1", payload: readingsPayload("dev1", 2) })).toEqual({
      ok: false,
      error: "conflict",
    });
    const items = changes.filter((c) => c.type === "published" || c.type === "republished");
    expect(items).toEqual([
      { type: "published", node, id: "b1-1", publisher: DEVICE, payload: READINGS, published: T },
      { type: "republished", node, id: "b1-1", publisher: DEVICE, payload: READINGS },
    ]);
  });

  it("emits subscription-changed for subscribe, approval, owner changes, unsubscribe and bounces", async () => {
    const { service, changes } = setup();
    value(await service.create(ALICE, "n", { accessModel: "authorize" }));
    value(await service.subscribe(BOB, "n", BOB));
    expect(await service.subscribe(BOB, "n", BOB)).toEqual({ ok: false, error: "pending-subscription" });
    value(await service.authorize(ALICE, "n", BOB, true));
    value(await service.modifySubscriptions(ALICE, "n", [{ jid: CAROL, state: "subscribed" }]));
    value(await service.modifySubscriptions(ALICE, "n", [{ jid: CAROL, state: "subscribed" }]));
    value(await service.unsubscribe(BOB, "n", BOB));
    expect(await service.dropSubscriber(CAROL)).toBe(1);
    const subs = changes.filter((c) => c.type === "subscription-changed");
    expect(subs).toEqual([
      { type: "subscription-changed", node: "n", jid: BOB, state: "pending", subid: "id1" },
      { type: "subscription-changed", node: "n", jid: BOB, state: "subscribed", subid: "id1" },
      { type: "subscription-changed", node: "n", jid: CAROL, state: "subscribed", subid: "id2" },
      { type: "subscription-changed", node: "n", jid: BOB, state: "none" },
      { type: "subscription-changed", node: "n", jid: CAROL, state: "none" },
    ]);
  });

  it("emits affiliation-changed for real changes only, and for a device node's publisher", async () => {
    const { service, changes } = setup();
    value(await service.create(ALICE, "n"));
    const member = [{ jid: "bob@example.org", affiliation: "member" as const }];
    value(await service.modifyAffiliations(ALICE, "n", member));
    value(await service.modifyAffiliations(ALICE, "n", member));
    value(await service.modifyAffiliations(ALICE, "n", [{ jid: "bob@example.org", affiliation: "none" }]));
    value(await service.create(ADMIN, "devices/dev1/state"));
    const affs = changes.filter((c) => c.type === "affiliation-changed");
    expect(affs).toEqual([
      { type: "affiliation-changed", node: "n", jid: "bob@example.org", affiliation: "member" },
      { type: "affiliation-changed", node: "n", jid: "bob@example.org", affiliation: "none" },
      {
        type: "affiliation-changed",
        node: "devices/dev1/state",
        jid: "dev1@example.org",
        affiliation: "publisher",
      },
    ]);
  });

  it("tells a listener once the item is stored, and answers only after the listener ran", async () => {
    const { service, store } = setup();
    value(await service.create(ALICE, "n"));
    const seen: unknown[] = [];
    service.events.on("published", async (e) => {
      seen.push(await store.getItem(e.node, e.id));
    });
    value(await service.publish(ALICE, "n", { id: "a", payload: PAYLOAD }));
    expect(seen).toEqual([{ id: "a", payload: PAYLOAD, publisher: ALICE, published: T }]);
  });

  it("reports a failing listener without failing the request or the other listeners", async () => {
    const failures: string[] = [];
    const service = createPubsubService({
      store: createMemoryStore(),
      broadcaster: { broadcast: () => undefined },
      clock: { now: () => T },
      config: { domain: "example.org", admins: [], allowLocalUsers: true, limits: DEFAULT_LIMITS },
      onEventError: (error, event) => failures.push(`${event.type}: ${(error as Error).message}`),
    });
    const heard: string[] = [];
    service.events.on("created", () => {
      throw new Error("boom");
    });
    const off = service.events.on("created", (e) => void heard.push(e.node));
    expect(await service.create(ALICE, "n")).toEqual({ ok: true, value: "n" });
    off();
    value(await service.create(ALICE, "m"));
    expect(heard).toEqual(["n"]);
    expect(failures).toEqual(["created: boom", "created: boom"]);
  });
});

describe("service listener handles", () => {
  it("add their listeners on start and remove them all on stop", async () => {
    const emitter = createServiceEmitter(() => undefined);
    const seen: string[] = [];
    const handle = createServiceListener(emitter, {
      purged: (e) => void seen.push(`purged ${e.node}`),
      retracted: (e) => void seen.push(`retracted ${e.id}`),
    });
    handle.start();
    handle.start();
    expect(emitter.listenerCount()).toBe(2);
    await emitter.emit({ type: "purged", node: "n", actor: ALICE });
    await emitter.emit({ type: "retracted", node: "n", id: "a", actor: ALICE });
    handle.stop();
    expect(emitter.listenerCount()).toBe(0);
    await emitter.emit({ type: "purged", node: "n", actor: ALICE });
    expect(seen).toEqual(["purged n", "retracted a"]);
  });
});
