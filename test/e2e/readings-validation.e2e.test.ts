/* The hub checks every readings item at publish, through a real Prosody: each malformed class is
 * refused modify/bad-request + invalid-payload with a text naming what is wrong, and is neither
 * stored nor notified; a valid document is both.
 * References: XEP-0060 §7.1.3.6 (invalid-payload), docs/design.md §2 (the readings document),
 * shared/readings/validate.ts (the checks and their limits). */
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeReadingsPayload } from "../../shared/exi/payload";
import { readingsNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { NS_STANZAS } from "../../shared/xmpp/ns";
import { makeItems } from "../../shared/xmpp/pubsub";
import {
  affiliate,
  create,
  eventOf,
  expectError,
  HUB,
  type Inbox,
  inbox,
  itemIds,
  publish,
  subscribe,
} from "../helpers/pubsub";
import { goodDocument, malformedCases } from "../unit/shared/readings/malformed";
import { startServer, type TestServer } from "./server";

const DEVICE = "dev-valid";
const NODE = readingsNode(DEVICE);

describe("readings validation at publish, end to end", () => {
  let server: TestServer;
  let device: ClientConnection;
  let bob: ClientConnection;
  let bobInbox: Inbox;

  beforeAll(async () => {
    server = await startServer();
    await server.hub();
    device = await server.client(await server.register(DEVICE), "agent");
    bob = await server.client(await server.register("bob"));
    bobInbox = inbox(bob);
    await create(device, NODE);
    await affiliate(device, NODE, "bob@localhost", "member");
    expect((await subscribe(bob, NODE)).attrs.subscription).toBe("subscribed");
  });
  afterAll(async () => {
    await server?.stop();
  });

  // The hub's clock is this machine's: the cases' times are relative to it.
  const cases = malformedCases(DEVICE, Date.now());

  it("refuses every malformed class with invalid-payload and its text; nothing is stored or notified", async () => {
    const texts: string[] = [];
    for (const [i, c] of cases.entries()) {
      const error: Element = await expectError(publish(device, NODE, c.payload.toString(), `1.bad-${i}`), {
        type: "modify",
        condition: "bad-request",
        pubsub: "invalid-payload",
      });
      texts.push(`${c.name}: ${error.getChildText("text", NS_STANZAS)}`);
    }
    expect(texts).toEqual(cases.map((c) => `${c.name}: ${c.text}`));
    // The subscriber has every notification the hub sent before the barrier: none for the node.
    await bobInbox.barrier();
    expect(bobInbox.pending((m) => eventOf(m, NODE) !== undefined)).toEqual([]);
    expect(itemIds(await bob.request(makeItems(HUB, NODE)))).toEqual([]);
  });

  it("stores and notifies a valid document in either encoding", async () => {
    const now = Date.now();
    const exi = makeReadingsPayload(goodDocument(DEVICE, now, 0)).toString();
    const json = makeReadingsPayload(goodDocument(DEVICE, now, 1), "json").toString();
    expect(await publish(device, NODE, exi, "3.abc123-0")).toBe("3.abc123-0");
    expect(await publish(device, NODE, json, "3.abc123-1")).toBe("3.abc123-1");
    await bobInbox.next((m) => eventOf(m, NODE)?.getChild("item")?.attrs.id === "3.abc123-0");
    await bobInbox.next((m) => eventOf(m, NODE)?.getChild("item")?.attrs.id === "3.abc123-1");
    expect(itemIds(await bob.request(makeItems(HUB, NODE)))).toEqual(["3.abc123-1", "3.abc123-0"]);
  });
});
