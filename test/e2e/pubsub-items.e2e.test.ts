/* Items through a real Prosody: publish (ids, publish-options), notifications, retract, items
 * retrieval (all, by id, max_items, RSM), trimming, expiry, last published item, readings nodes.
 * References: XEP-0060 §6.5, §7.1, §7.1.5, §7.2, §12.x (send_last_published_item), XEP-0059,
 * XEP-0203; docs/design.md §2 (readings nodes are append-only). */
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readingsNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { type ItemsPage, makeItems, makePublish, makeRetract } from "../../shared/xmpp/pubsub";
import { makeConfigure, makeDelete } from "../../shared/xmpp/pubsub-owner";
import {
  affiliate,
  create,
  entry,
  eventOf,
  expectError,
  HUB,
  type Inbox,
  inbox,
  itemIds,
  NS_PUBSUB,
  publish,
  pubsub,
  subscribe,
} from "../helpers/pubsub";
import { parseXml } from "../helpers/stanza";
import { startServer, type TestServer } from "./server";

const rsmOf = (result: Element) => result.getChild("pubsub", NS_PUBSUB)?.getChild("set");
const payloadText = (item: Element | undefined) => item?.getChild("entry", "urn:xiot:test:0")?.text();

describe("PubSub items end to end", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let bob: ClientConnection;
  let bobInbox: Inbox;

  beforeAll(async () => {
    server = await startServer();
    await server.hub(["--hub.allowLocalUsers"]);
    alice = await server.client(await server.register("alice"));
    bob = await server.client(await server.register("bob"));
    bobInbox = inbox(bob);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("publishes with and without an item id; subscribers get the payload; items come back newest first", async () => {
    await create(alice, "news");
    await subscribe(bob, "news");
    expect(await publish(alice, "news", entry("first"), "item-1")).toBe("item-1");
    const generated = await publish(alice, "news", entry("second"));
    expect(generated).toMatch(/.+/);
    const first = await bobInbox.next((m) => eventOf(m, "news")?.getChild("item")?.attrs.id === "item-1");
    expect(payloadText(eventOf(first)?.getChild("item"))).toBe("first");
    expect(first.attrs.type).toBe("headline");
    const second = await bobInbox.next((m) => eventOf(m, "news")?.getChild("item")?.attrs.id === generated);
    expect(payloadText(eventOf(second)?.getChild("item"))).toBe("second");

    const all = await bob.request(makeItems(HUB, "news"));
    expect(itemIds(all)).toEqual([generated, "item-1"]);
    const byId = await bob.request(makeItems(HUB, "news", { ids: ["item-1"] }));
    expect(itemIds(byId)).toEqual(["item-1"]);
    expect(payloadText(byId.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.getChild("item"))).toBe(
      "first",
    );
    expect(itemIds(await bob.request(makeItems(HUB, "news", { maxItems: 1 })))).toEqual([generated]);
    // Republishing an id replaces the item (not a readings node).
    await publish(alice, "news", entry("first, edited"), "item-1");
    const edited = await bob.request(makeItems(HUB, "news", { ids: ["item-1"] }));
    expect(payloadText(edited.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.getChild("item"))).toBe(
      "first, edited",
    );
    await expectError(bob.request(makeItems(HUB, "no-such")), {
      type: "cancel",
      condition: "item-not-found",
      pubsub: null,
    });
    await expectError(publish(bob, "news", entry("not mine")), {
      type: "auth",
      condition: "forbidden",
      pubsub: null,
    });
  });

  it("pages with RSM, newest first, with first/last/count", async () => {
    await create(alice, "paged");
    for (let i = 1; i <= 5; i++) await publish(alice, "paged", entry(`p${i}`), `p${i}`);
    const page = (p: ItemsPage) => bob.request(makeItems(HUB, "paged", { page: p }));
    const one = await page({ max: 2 });
    expect(itemIds(one)).toEqual(["p5", "p4"]);
    const set = rsmOf(one);
    expect([set?.getChildText("first"), set?.getChildText("last"), set?.getChildText("count")]).toEqual([
      "p5",
      "p4",
      "5",
    ]);
    expect(set?.getChild("first")?.attrs.index).toBe("0");
    const two = await page({ max: 2, after: "p4" });
    expect(itemIds(two)).toEqual(["p3", "p2"]);
    expect(rsmOf(two)?.getChild("first")?.attrs.index).toBe("2");
    expect(itemIds(await page({ max: 2, after: "p2" }))).toEqual(["p1"]);
    expect(itemIds(await page({ max: 2, before: "p3" }))).toEqual(["p5", "p4"]);
    await expectError(page({ max: 2, after: "gone" }), {
      type: "cancel",
      condition: "item-not-found",
    });
  });

  it("publish-options: met preconditions publish; unmet ones are a conflict with precondition-not-met", async () => {
    await create(alice, "guarded", { "pubsub#access_model": "open", "pubsub#max_items": "10" });
    const withOptions = (fields: Record<string, string>, id: string) =>
      alice.request(makePublish(HUB, "guarded", parseXml(entry(id)), { id, publishOptions: fields }));
    await withOptions({ "pubsub#access_model": "open" }, "met");
    const PRECONDITION = { type: "cancel", condition: "conflict", pubsub: "precondition-not-met" };
    await expectError(withOptions({ "pubsub#access_model": "whitelist" }, "unmet"), PRECONDITION);
    await expectError(withOptions({ "pubsub#max_items": "3" }, "unmet2"), PRECONDITION);
    expect(itemIds(await alice.request(makeItems(HUB, "guarded")))).toEqual(["met"]);
  });

  it("retract: with notify the subscribers hear of it; notify_retract=0 keeps quiet; only publishers may", async () => {
    await create(alice, "retracting");
    await create(alice, "quiet", { "pubsub#notify_retract": "0", "pubsub#notify_delete": "0" });
    await subscribe(bob, "retracting");
    await subscribe(bob, "quiet");
    await publish(alice, "retracting", entry("r"), "r1");
    await publish(alice, "quiet", entry("q"), "q1");
    await expectError(bob.request(makeRetract(HUB, "retracting", ["r1"])), {
      type: "auth",
      condition: "forbidden",
      pubsub: null,
    });
    await alice.request(makeRetract(HUB, "retracting", ["r1"], true));
    const retracted = await bobInbox.next((m) => eventOf(m, "retracting")?.getChild("retract") !== undefined);
    expect(eventOf(retracted)?.getChild("retract")?.attrs.id).toBe("r1");
    expect(itemIds(await bob.request(makeItems(HUB, "retracting")))).toEqual([]);
    await expectError(alice.request(makeRetract(HUB, "retracting", ["r1"])), {
      type: "cancel",
      condition: "item-not-found",
    });
    await expectError(pubsub(alice, "set", "<retract node='retracting'/>"), {
      type: "modify",
      condition: "bad-request",
      pubsub: "item-required",
    });

    await alice.request(makeRetract(HUB, "quiet", ["q1"]));
    await alice.request(makeDelete(HUB, "quiet"));
    await bobInbox.barrier();
    // The publish of q1 was notified; its retraction and the node's deletion were not.
    const quiet = bobInbox
      .pending((m) => eventOf(m, "quiet") !== undefined)
      .map((m) => eventOf(m)?.toString());
    expect(quiet).toEqual([
      `<items node="quiet"><item id="q1"><entry xmlns="urn:xiot:test:0">q</entry></item></items>`,
    ]);
  });

  it("max_items trims the oldest items; max_items=max keeps up to the service ceiling", async () => {
    await create(alice, "short", { "pubsub#max_items": "3" });
    for (let i = 1; i <= 5; i++) await publish(alice, "short", entry(`s${i}`), `s${i}`);
    expect(itemIds(await alice.request(makeItems(HUB, "short")))).toEqual(["s5", "s4", "s3"]);
    await create(alice, "long", { "pubsub#max_items": "max" });
    for (let i = 1; i <= 5; i++) await publish(alice, "long", entry(`l${i}`), `l${i}`);
    expect(itemIds(await alice.request(makeItems(HUB, "long")))).toEqual(["l5", "l4", "l3", "l2", "l1"]);
    // Lowering max_items trims at once.
    await alice.request(makeConfigure(HUB, "long", { "pubsub#max_items": "2" }));
    expect(itemIds(await alice.request(makeItems(HUB, "long")))).toEqual(["l5", "l4"]);
  });

  it("pubsub#item_expire hides and removes items once they expire", async () => {
    await create(alice, "fleeting", { "pubsub#item_expire": "1" });
    await publish(alice, "fleeting", entry("soon gone"), "f1");
    expect(itemIds(await alice.request(makeItems(HUB, "fleeting")))).toEqual(["f1"]);
    const deadline = Date.now() + 5_000;
    let ids = ["f1"];
    while (ids.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200)); // polling the clock-driven expiry
      ids = itemIds(await alice.request(makeItems(HUB, "fleeting")));
    }
    expect(ids).toEqual([]);
    expect(itemIds(await alice.request(makeItems(HUB, "fleeting", { ids: ["f1"] })))).toEqual([]);
  });

  it("send_last_published_item=on_sub delivers the newest item with a XEP-0203 delay", async () => {
    await create(alice, "status", { "pubsub#send_last_published_item": "on_sub" });
    await publish(alice, "status", entry("old"), "old");
    await publish(alice, "status", entry("newest"), "newest");
    const carol = await server.client(await server.register("carol"));
    const carolInbox = inbox(carol);
    await subscribe(carol, "status");
    const last = await carolInbox.next((m) => eventOf(m, "status") !== undefined);
    expect(
      eventOf(last)
        ?.getChildren("item")
        .map((i) => i.attrs.id),
    ).toEqual(["newest"]);
    expect(payloadText(eventOf(last)?.getChild("item"))).toBe("newest");
    const delay = last.getChild("delay", "urn:xmpp:delay");
    expect(delay?.attrs.from).toBe("hub.localhost");
    expect(Number.isNaN(Date.parse(delay?.attrs.stamp as string))).toBe(false);
  });

  it("readings nodes are append-only: a resent item is acknowledged once, a different payload is a conflict", async () => {
    const device = await server.client(await server.register("dev-7"), "agent");
    const node = readingsNode("dev-7");
    await create(device, node);
    await affiliate(device, node, "bob@localhost", "member");
    await subscribe(bob, node);
    // A valid readings document (the hub checks each one, docs/design.md §2), then a different one.
    const doc = (v: number) =>
      JSON.stringify({
        v: 1,
        dev: "dev-7",
        boot: "1.abc",
        seq: 0,
        clk: "sync",
        r: [{ c: "temp", t: Date.now(), v }],
      });
    const first = doc(1);
    const reading = `<readings xmlns='urn:xiot:readings:0' encoding='json'>${first}</readings>`;
    expect(await publish(device, node, reading, "1.abc-0")).toBe("1.abc-0");
    await bobInbox.next((m) => eventOf(m, node)?.getChild("item")?.attrs.id === "1.abc-0");
    expect(await publish(device, node, reading, "1.abc-0")).toBe("1.abc-0");
    await expectError(
      publish(
        device,
        node,
        `<readings xmlns='urn:xiot:readings:0' encoding='json'>${doc(2)}</readings>`,
        "1.abc-0",
      ),
      { type: "cancel", condition: "conflict", pubsub: null },
    );
    await bobInbox.barrier();
    expect(bobInbox.pending((m) => eventOf(m, node) !== undefined)).toEqual([]);
    const stored = await bob.request(makeItems(HUB, node));
    expect(itemIds(stored)).toEqual(["1.abc-0"]);
    const item = stored.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.getChild("item");
    expect(item?.getChild("readings", "urn:xiot:readings:0")?.text()).toBe(first);
  });
});
