import { afterEach, describe, expect, it, vi } from "vitest";
import { createPubsub } from "../../../../hub/pubsub/index";
import { createMemoryStore } from "../../../../hub/pubsub/storage/memory";
import { DEFAULT_LIMITS } from "../../../../hub/pubsub/types";
import { silentLogger } from "../../../../shared/log";
import { iqContext, routeIq } from "../../../helpers/stanza";
import { PS } from "./harness";

const ALICE = "alice@example.org/laptop";
const config = { domain: "example.org", admins: [], allowLocalUsers: true, limits: DEFAULT_LIMITS };

describe("createPubsub", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sweeps expired items on its timer between start and stop", async () => {
    vi.useFakeTimers();
    const store = createMemoryStore();
    let now = 1_000_000;
    const pubsub = createPubsub({
      store,
      send: async () => {},
      clock: { now: () => now },
      log: silentLogger(),
      config,
      sweepIntervalMs: 1000,
    });
    await pubsub.service.create(ALICE, "n", { itemExpire: 10 });
    await pubsub.service.publish(ALICE, "n", { id: "a", payload: "<e xmlns='urn:t'/>" });
    pubsub.start();
    now += 11_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(await store.getItem("n", "a")).toBeUndefined();
    pubsub.stop();
    await pubsub.service.publish(ALICE, "n", { id: "b", payload: "<e xmlns='urn:t'/>" });
    now += 11_000;
    await vi.advanceTimersByTimeAsync(5000);
    expect(await store.getItem("n", "b")).toBeDefined();
  });

  it("keeps answering when a notification cannot be sent", async () => {
    const warnings: unknown[] = [];
    const log = silentLogger();
    log.warn = ((obj: unknown) => {
      warnings.push(obj);
    }) as typeof log.warn;
    const pubsub = createPubsub({
      store: createMemoryStore(),
      send: async () => {
        throw new Error("link down");
      },
      clock: { now: () => 0 },
      log,
      config,
    });
    await pubsub.service.create(ALICE, "n");
    await pubsub.service.subscribe("bob@example.org/x", "n", "bob@example.org");
    const reply = await routeIq(
      pubsub.routes,
      iqContext(
        "set",
        ALICE,
        `<pubsub xmlns='${PS}'><publish node='n'><item id='a'><e xmlns='urn:t'/></item></publish></pubsub>`,
      ),
    );
    expect(reply?.getChild("publish")?.getChild("item")?.attrs.id).toBe("a");
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
  });

  it("subscribes and configures in one request", async () => {
    const pubsub = createPubsub({
      store: createMemoryStore(),
      send: async () => {},
      clock: { now: () => 0 },
      log: silentLogger(),
      config,
    });
    await pubsub.service.create(ALICE, "n");
    const bob = "bob@example.org/x";
    await routeIq(
      pubsub.routes,
      iqContext(
        "set",
        bob,
        `<pubsub xmlns='${PS}'><subscribe node='n' jid='${bob}'/><options><x xmlns='jabber:x:data' type='submit'>
          <field var='pubsub#deliver'><value>false</value></field></x></options></pubsub>`,
      ),
    );
    const options = await pubsub.service.getOptions(bob, "n", bob);
    expect(options).toEqual({ ok: true, value: { options: { "pubsub#deliver": ["false"] }, encodings: [] } });
  });
});
