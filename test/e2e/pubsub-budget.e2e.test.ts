/* Replies bounded by bytes, RSM paging to the last page, pubsub#type and who may change an item,
 * through a real Prosody and a real `xiot hub` with its default limits.
 * References: XEP-0060 §6.5.4 (returning some items), §7.1.3.5 (bad payload), §7.2.3.1;
 * XEP-0059 §2 (paging, §2.5 the last page, §2.6 an empty page); Prosody 0.12 mod_component
 * (component_stanza_size_limit, 512 KiB: a larger stanza from the hub drops its link). */

import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeReadingsPayload } from "../../shared/exi/payload";
import { readingsNode } from "../../shared/model";
import { NS_DISCO_INFO } from "../../shared/xmpp/ns";
import { type ItemsPage, makeItems, parseItemsResult } from "../../shared/xmpp/pubsub";
import { affiliate, create, entry, expectError, HUB, iq, itemIds, publish } from "../helpers/pubsub";
import { canon } from "../helpers/stanza";
import { startServer, type TestServer } from "./server";

const REPLY_LIMIT = 256 * 1024; // pubsub.maxReplyBytes, default
/** A valid readings document of about 60 KB (58 string readings of 1,000 characters). */
const bigPayload = (dev: string, i: number) =>
  makeReadingsPayload(
    {
      v: 1,
      dev,
      boot: "1.abc",
      seq: i,
      clk: "sync",
      r: Array.from({ length: 58 }, () => ({ c: "note", t: Date.now(), v: String(i).padStart(1000, "A") })),
    },
    "json",
  ).toString();

describe("PubSub replies bounded by bytes, end to end", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    await server.hub(["--hub.allowLocalUsers"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("pages 12 items of 60 KB by bytes, to the last page, and the hub's link stays up", async () => {
    const id = `big-${process.pid}`;
    const device = await server.client(await server.register(id), "agent");
    const node = readingsNode(id);
    await create(device, node);
    for (let i = 1; i <= 12; i++)
      expect(await publish(device, node, bigPayload(id, i), `1.abc-${i}`)).toBe(`1.abc-${i}`);
    const get = async (page?: ItemsPage): Promise<Element> => {
      const reply = await device.request(makeItems(HUB, node, page ? { page } : {}));
      expect(Buffer.byteLength(reply.toString())).toBeLessThanOrEqual(REPLY_LIMIT);
      return reply;
    };
    const first = parseItemsResult(await get());
    expect(first.count).toBe(12);
    expect(first.items.length).toBeGreaterThan(1);
    expect(first.items.length).toBeLessThan(12);
    const seen = first.items.map((i) => String(i.attrs.id));
    let last = first.last;
    while (seen.length < 12 && last !== undefined) {
      const page = parseItemsResult(await get({ after: last }));
      seen.push(...page.items.map((i) => String(i.attrs.id)));
      last = page.last;
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `1.abc-${12 - i}`));
    // After the last item: an empty page that still counts (XEP-0059 §2.6).
    const past = parseItemsResult(await get({ after: "1.abc-1" }));
    expect(past.items).toEqual([]);
    expect(past.count).toBe(12);
    // An empty <before/> is the last page (XEP-0059 §2.5): the oldest items, ending with the first.
    const lastPage = parseItemsResult(await get({ max: 3, before: "" }));
    expect(lastPage.items.map((i) => String(i.attrs.id))).toEqual(["1.abc-3", "1.abc-2", "1.abc-1"]);
    // The link was never dropped: another account is answered at once.
    const other = await server.client(await server.register());
    const info = await iq(other, "get", `<query xmlns='${NS_DISCO_INFO}'/>`);
    expect(info.getChild("query", NS_DISCO_INFO)).toBeDefined();
  });

  it("refuses a payload outside the node's pubsub#type with modify/bad-request and invalid-payload", async () => {
    const alice = await server.client(await server.register());
    await create(alice, "typed", { "pubsub#type": "urn:xiot:test:0" });
    await expectError(publish(alice, "typed", "<other xmlns='urn:elsewhere'/>", "a"), {
      type: "modify",
      condition: "bad-request",
      pubsub: "invalid-payload",
    });
    expect(itemIds(await alice.request(makeItems(HUB, "typed")))).toEqual([]);
    expect(await publish(alice, "typed", entry("fits"), "b")).toBe("b");
  });

  it("lets a publisher change only its own items: replacing and retracting agree", async () => {
    const a = await server.client(await server.register());
    const b = await server.client(await server.register());
    const c = await server.client(await server.register());
    await create(a, "shared");
    await affiliate(a, "shared", b.jid().split("/")[0] as string, "publish-only");
    await affiliate(a, "shared", c.jid().split("/")[0] as string, "publish-only");
    expect(await publish(b, "shared", entry("bob's"), "x")).toBe("x");
    const forbidden = { type: "auth", condition: "forbidden", pubsub: null };
    await expectError(publish(c, "shared", entry("carol's"), "x"), forbidden);
    await expectError(
      iq(
        c,
        "set",
        `<pubsub xmlns='http://jabber.org/protocol/pubsub'><retract node='shared'><item id='x'/></retract></pubsub>`,
      ),
      forbidden,
    );
    const items = parseItemsResult(await a.request(makeItems(HUB, "shared")));
    expect(items.items.map((i) => canon(i))).toEqual([canon(`<item id='x'>${entry("bob's")}</item>`)]);
    expect(await publish(a, "shared", entry("the owner's"), "x")).toBe("x");
  });
});
