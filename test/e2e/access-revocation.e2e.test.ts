/* Revoked access through a real Prosody and a real hub process: a subscriber who loses access
 * (node switched from open to whitelist, affiliation lowered to none) loses the subscription, is
 * told with a subscription='none' notification, and receives no payload by any path afterwards;
 * configuration notifications carry the node_config form (XEP-0060 §8.2.5.3).
 * References: XEP-0060 §4.5, §8.2.5.3, §8.8.4, §8.9, §13.2; hub/access/rule.ts. */
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeConfigure } from "../../shared/xmpp/pubsub-owner";
import {
  affiliate,
  create,
  entry,
  eventOf,
  expectError,
  formOf,
  formValues,
  HUB,
  type Inbox,
  inbox,
  publish,
  pubsub,
  subscribe,
} from "../helpers/pubsub";
import { startServer, type TestServer } from "./server";

const CLOSED = { type: "cancel", condition: "not-allowed", pubsub: "closed-node" };

describe("revoked access end to end", () => {
  let server: TestServer;
  let owner: ClientConnection;
  let sub: ClientConnection;
  let subInbox: Inbox;
  let subJid: string;

  beforeAll(async () => {
    server = await startServer();
    await server.hub(["--hub.allowLocalUsers"]);
    owner = await server.client(await server.register("owner"));
    const account = await server.register("sub");
    subJid = account.jid;
    sub = await server.client(account);
    subInbox = inbox(sub);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  const stateChange = (node: string) => (m: Element) => {
    const el = eventOf(m, node);
    return el?.name === "subscription" && el.attrs.subscription === "none";
  };
  const itemsOf = (node: string) => (m: Element) => eventOf(m, node)?.name === "items";

  async function expectCutOff(node: string): Promise<void> {
    const told = await subInbox.next(stateChange(node));
    expect(eventOf(told, node)?.attrs.jid).toBe(subJid);
    await publish(owner, node, entry("secret"), "after");
    await subInbox.barrier(); // every notification the hub sent before the ping has arrived
    expect(subInbox.pending(itemsOf(node))).toEqual([]);
    await expectError(pubsub(sub, "get", `<items node='${node}'/>`), CLOSED);
    const mine = await pubsub(sub, "get", `<subscriptions node='${node}'/>`);
    expect(mine.getChild("pubsub")?.getChild("subscriptions")?.getChildren("subscription")).toEqual([]);
  }

  it("open → whitelist: the subscriber is unsubscribed, told, and sent no more payloads", async () => {
    await create(owner, "rev-open");
    await subscribe(sub, "rev-open", subJid);
    await publish(owner, "rev-open", entry("before"), "before");
    await subInbox.next(itemsOf("rev-open"));
    await owner.request(makeConfigure(HUB, "rev-open", { "pubsub#access_model": "whitelist" }));
    await expectCutOff("rev-open");
  });

  it("member → none on a whitelist node: the subscriber is unsubscribed, told, and sent no more payloads", async () => {
    await create(owner, "rev-member", { "pubsub#access_model": "whitelist" });
    await affiliate(owner, "rev-member", subJid, "member");
    await subscribe(sub, "rev-member", subJid);
    await affiliate(owner, "rev-member", subJid, "none");
    await expectCutOff("rev-member");
  });

  it("configuration notifications carry the node_config form when payloads are delivered", async () => {
    await create(owner, "rev-config", { "pubsub#notify_config": "1", "pubsub#deliver_payloads": "1" });
    await subscribe(sub, "rev-config", subJid);
    await owner.request(makeConfigure(HUB, "rev-config", { "pubsub#title": "Musings" }));
    const note = await subInbox.next((m) => eventOf(m, "rev-config")?.name === "configuration");
    const values = formValues(formOf(eventOf(note, "rev-config")));
    expect(values.FORM_TYPE).toEqual(["http://jabber.org/protocol/pubsub#node_config"]);
    expect(values["pubsub#title"]).toEqual(["Musings"]);
  });
});
