/* Service limits through a real Prosody, with small limits given as `xiot hub` flags: payload
 * size, publish rate, items page size, max_items ceiling.
 * References: XEP-0060 §7.1.3.4 (payload-too-big), §6.5.7 and XEP-0059 (capped pages),
 * RFC 6120 §8.3.3.12 (policy-violation), XEP-0060 §14.2 (max-items-exceeded). */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readingsNode } from "../../shared/model";
import { makeItems } from "../../shared/xmpp/pubsub";
import { makeConfigure } from "../../shared/xmpp/pubsub-owner";
import { create, entry, expectError, HUB, itemIds, NS_PUBSUB, publish } from "../helpers/pubsub";
import { startServer, type TestServer } from "./server";

const LIMITS = [
  "--hub.allowLocalUsers",
  "--pubsub.maxPayloadBytes",
  "2048",
  "--pubsub.publishRate",
  "2",
  "--pubsub.publishBurst",
  "3",
  "--pubsub.maxItemsPerPage",
  "4",
  "--pubsub.maxItemsCeiling",
  "50",
];

describe("PubSub limits end to end", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    await server.hub(LIMITS);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a payload over the limit is not acceptable with payload-too-big, and is not echoed", async () => {
    const alice = await server.client(await server.register());
    await create(alice, "big");
    const marker = "Z".repeat(3000);
    const error = await expectError(publish(alice, "big", entry(marker), "huge"), {
      type: "modify",
      condition: "not-acceptable",
      pubsub: "payload-too-big",
    });
    const reply = error.parent?.toString() ?? "";
    expect(reply).toContain("payload-too-big");
    expect(reply).not.toContain("ZZZZ");
    expect(itemIds(await alice.request(makeItems(HUB, "big")))).toEqual([]);
    expect(await publish(alice, "big", entry("small"), "fits")).toBe("fits");
  });

  it("publishing faster than the rate is refused with wait/policy-violation until tokens refill", async () => {
    const fast = await server.client(await server.register());
    await create(fast, "fast");
    for (let i = 0; i < 2; i++) await publish(fast, "fast", entry(`b${i}`), `b${i}`); // two of the burst of 3
    let refusedAt = 0;
    for (let i = 2; i < 10 && refusedAt === 0; i++) {
      try {
        await publish(fast, "fast", entry(`b${i}`), `b${i}`);
      } catch {
        refusedAt = i;
      }
    }
    expect(refusedAt).toBeGreaterThanOrEqual(3);
    await expectError(publish(fast, "fast", entry("again"), "again"), {
      type: "wait",
      condition: "policy-violation",
      pubsub: null,
    });
    // Another account has its own bucket.
    const other = await server.client(await server.register());
    await create(other, "other");
    expect(await publish(other, "other", entry("fine"), "o1")).toBe("o1");
    // At 2 per second a token is back within a second: poll until accepted.
    const deadline = Date.now() + 3_000;
    let accepted = false;
    while (!accepted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // waiting for the bucket to refill
      accepted = await publish(fast, "fast", entry("later"), "later").then(
        () => true,
        () => false,
      );
    }
    expect(accepted).toBe(true);
  });

  it("item pages are capped at maxItemsPerPage and say so with RSM, so clients can page on", async () => {
    const admin = await server.client(await server.register());
    await create(admin, "many", { "pubsub#max_items": "20" });
    for (let i = 1; i <= 6; i++) {
      // Stay under the publish rate: retry a refused publish after the bucket refills.
      for (;;) {
        const ok = await publish(admin, "many", entry(`m${i}`), `m${i}`).then(
          () => true,
          () => false,
        );
        if (ok) break;
        await new Promise((resolve) => setTimeout(resolve, 250)); // waiting for the bucket to refill
      }
    }
    const plain = await admin.request(makeItems(HUB, "many"));
    expect(itemIds(plain)).toEqual(["m6", "m5", "m4", "m3"]);
    const set = plain.getChild("pubsub", NS_PUBSUB)?.getChild("set", "http://jabber.org/protocol/rsm");
    expect([set?.getChildText("count"), set?.getChildText("last")]).toEqual(["6", "m3"]);
    expect(itemIds(await admin.request(makeItems(HUB, "many", { maxItems: 10 })))).toEqual([
      "m6",
      "m5",
      "m4",
      "m3",
    ]);
    const asked = await admin.request(makeItems(HUB, "many", { page: { max: 10, after: "m3" } }));
    expect(itemIds(asked)).toEqual(["m2", "m1"]);
  });

  it("max_items above the ceiling is refused with max-items-exceeded; device nodes fit under it", async () => {
    const alice = await server.client(await server.register());
    await expectError(create(alice, "too-long", { "pubsub#max_items": "51" }), {
      type: "modify",
      condition: "not-acceptable",
      pubsub: "max-items-exceeded",
    });
    await create(alice, "capped", { "pubsub#max_items": "max" });
    const device = await server.client(await server.register("dev-9"), "agent");
    await create(device, readingsNode("dev-9"));
    const config = await device.request(makeConfigure(HUB, readingsNode("dev-9")));
    const field = config
      .getChild("pubsub", "http://jabber.org/protocol/pubsub#owner")
      ?.getChild("configure")
      ?.getChild("x", "jabber:x:data")
      ?.getChildByAttr("var", "pubsub#max_items");
    expect(field?.getChildText("value")).toBe("50");
  });
});
