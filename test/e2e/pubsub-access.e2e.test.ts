/* Subscriptions, affiliations and access models through a real Prosody, with owners,
 * publishers, subscribers and outsiders as separate accounts.
 * References: XEP-0060 §4.1 (affiliations), §4.5 (access models), §5.6–§5.7, §6.1–§6.3,
 * §8.6 (approving pending subscriptions), §8.8 (managing subscriptions), §8.9 (affiliations). */
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import {
  makeAffiliationsGet,
  makeItems,
  makeRetract,
  makeSubscriptionOptions,
  makeSubscriptionsGet,
  makeUnsubscribe,
} from "../../shared/xmpp/pubsub";
import { makeNodeAffiliations, makeNodeSubscriptions } from "../../shared/xmpp/pubsub-owner";
import {
  affiliate,
  create,
  entry,
  eventOf,
  expectError,
  form,
  formOf,
  formValues,
  HUB,
  type Inbox,
  inbox,
  itemIds,
  NS_PUBSUB,
  NS_PUBSUB_OWNER,
  publish,
  subscribe,
} from "../helpers/pubsub";
import { parseXml } from "../helpers/stanza";
import { startServer, type TestServer } from "./server";

const FORBIDDEN = { type: "auth", condition: "forbidden", pubsub: null };
const CLOSED = { type: "cancel", condition: "not-allowed", pubsub: "closed-node" };
const AUTHORIZATION = "http://jabber.org/protocol/pubsub#subscribe_authorization";
const OPTIONS = "http://jabber.org/protocol/pubsub#subscribe_options";

interface User {
  conn: ClientConnection;
  inbox: Inbox;
  jid: string;
}

describe("PubSub subscriptions, affiliations and access models end to end", () => {
  let server: TestServer;
  const users: Record<string, User> = {};
  const user = async (name: string): Promise<User> => {
    const account = await server.register(name);
    const conn = await server.client(account);
    users[name] = { conn, inbox: inbox(conn), jid: account.jid };
    return users[name];
  };

  beforeAll(async () => {
    server = await startServer();
    await server.hub(["--hub.allowLocalUsers"]);
    await Promise.all(["owner", "pub", "ponly", "member", "sub", "outsider", "outcast"].map(user));
  });
  afterAll(async () => {
    await server?.stop();
  });
  const u = (name: string) => users[name] as User;

  it("subscribes by bare or full JID, lists and ends subscriptions; another JID's is refused", async () => {
    const { conn: own } = u("owner");
    const { conn: sub, jid } = u("sub");
    await create(own, "open-1");
    await create(own, "open-2");
    const bare = await subscribe(sub, "open-1", jid);
    expect([bare.attrs.jid, bare.attrs.subscription, bare.attrs.node]).toEqual([jid, "subscribed", "open-1"]);
    expect(bare.attrs.subid).toMatch(/.+/);
    const full = await subscribe(sub, "open-2", sub.jid());
    expect([full.attrs.jid, full.attrs.subscription]).toEqual([sub.jid(), "subscribed"]);
    await expectError(subscribe(sub, "open-1", u("outsider").jid), {
      type: "modify",
      condition: "bad-request",
      pubsub: "invalid-jid",
    });
    await expectError(subscribe(sub, "no-such-node"), { type: "cancel", condition: "item-not-found" });

    const mine = await sub.request(makeSubscriptionsGet(HUB));
    const listed = mine
      .getChild("pubsub", NS_PUBSUB)
      ?.getChild("subscriptions")
      ?.getChildren("subscription")
      .map((s) => `${s.attrs.node} ${s.attrs.jid} ${s.attrs.subscription}`)
      .sort();
    expect(listed).toEqual([`open-1 ${jid} subscribed`, `open-2 ${sub.jid()} subscribed`]);

    // Both subscriptions get the notification, addressed as subscribed.
    await publish(own, "open-1", entry("to bare"), "b1");
    await publish(own, "open-2", entry("to full"), "f1");
    expect((await u("sub").inbox.next((m) => eventOf(m, "open-1") !== undefined)).attrs.to).toMatch(
      new RegExp(`^${jid}`),
    );
    expect((await u("sub").inbox.next((m) => eventOf(m, "open-2") !== undefined)).attrs.to).toBe(sub.jid());

    await expectError(u("outsider").conn.request(makeUnsubscribe(HUB, "open-1", jid)), FORBIDDEN);
    await sub.request(makeUnsubscribe(HUB, "open-1", jid));
    await expectError(sub.request(makeUnsubscribe(HUB, "open-1", jid)), {
      type: "cancel",
      condition: "unexpected-request",
      pubsub: "not-subscribed",
    });
  });

  it("subscription options: the form reads back; deliver=0 stops notifications; bad options are refused", async () => {
    const { conn: own } = u("owner");
    const { conn: sub, jid, inbox: box } = u("sub");
    await create(own, "optioned");
    await subscribe(sub, "optioned", jid);
    const got = await sub.request(makeSubscriptionOptions(HUB, "optioned", jid));
    const x = formOf(got.getChild("pubsub", NS_PUBSUB)?.getChild("options"));
    expect(formValues(x)).toMatchObject({ FORM_TYPE: [OPTIONS], "pubsub#deliver": ["1"] });
    const setOptions = (fields: Record<string, string>) =>
      sub.request(makeSubscriptionOptions(HUB, "optioned", jid, fields));
    await setOptions({ "pubsub#deliver": "0" });
    await publish(own, "optioned", entry("muted"), "m1");
    await box.barrier();
    expect(box.pending((m) => eventOf(m, "optioned") !== undefined)).toEqual([]);
    await setOptions({ "pubsub#deliver": "1" });
    await publish(own, "optioned", entry("heard"), "m2");
    const heard = await box.next((m) => eventOf(m, "optioned") !== undefined);
    expect(eventOf(heard)?.getChild("item")?.attrs.id).toBe("m2");
    await expectError(setOptions({ "pubsub#digest": "1" }), {
      type: "modify",
      condition: "bad-request",
      pubsub: "invalid-options",
    });
    await expectError(
      u("outsider").conn.request(makeSubscriptionOptions(HUB, "optioned", u("outsider").jid)),
      { type: "cancel", condition: "unexpected-request", pubsub: "not-subscribed" },
    );
  });

  it("affiliations: owner, publisher, publish-only, member and outcast have their rights", async () => {
    const { conn: own } = u("owner");
    const node = "team";
    await create(own, node, { "pubsub#access_model": "whitelist" });
    await expectError(subscribe(u("outcast").conn, node), CLOSED); // not yet a member
    await affiliate(own, node, u("pub").jid, "publisher");
    await affiliate(own, node, u("ponly").jid, "publish-only");
    await affiliate(own, node, u("member").jid, "member");
    await affiliate(own, node, u("outcast").jid, "member");
    await subscribe(u("outcast").conn, node);
    await affiliate(own, node, u("outcast").jid, "outcast");

    const listed = await own.request(makeNodeAffiliations(HUB, node));
    const affs = listed
      .getChild("pubsub", NS_PUBSUB_OWNER)
      ?.getChild("affiliations")
      ?.getChildren("affiliation")
      .map((a) => `${a.attrs.jid}=${a.attrs.affiliation}`)
      .sort();
    expect(affs).toEqual(
      [
        "owner@localhost=owner",
        "pub@localhost=publisher",
        "ponly@localhost=publish-only",
        "member@localhost=member",
        "outcast@localhost=outcast",
      ].sort(),
    );
    // Becoming outcast removed the subscription.
    const subs = await own.request(makeNodeSubscriptions(HUB, node));
    expect(
      subs.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("subscriptions")?.getChildren("subscription"),
    ).toEqual([]);

    // publisher: publishes and retrieves; changes only its own items (neither retracts nor
    // replaces the owner's); the owner retracts anyone's.
    await publish(own, node, entry("by owner"), "o1");
    await publish(u("pub").conn, node, entry("by publisher"), "p1");
    await expectError(u("pub").conn.request(makeRetract(HUB, node, ["o1"])), FORBIDDEN);
    await expectError(publish(u("pub").conn, node, entry("overwrite"), "o1"), FORBIDDEN);
    await own.request(makeRetract(HUB, node, ["o1"]));
    // publish-only: publishes, retracts its own, cannot retrieve or subscribe.
    await publish(u("ponly").conn, node, entry("by publish-only"), "po1");
    await expectError(u("ponly").conn.request(makeRetract(HUB, node, ["p1"])), FORBIDDEN);
    await u("ponly").conn.request(makeRetract(HUB, node, ["po1"]));
    await expectError(u("ponly").conn.request(makeItems(HUB, node)), FORBIDDEN);
    await expectError(subscribe(u("ponly").conn, node), FORBIDDEN);
    // member: subscribes and retrieves on a whitelist node, cannot publish.
    await subscribe(u("member").conn, node);
    expect(itemIds(await u("member").conn.request(makeItems(HUB, node)))).toEqual(["p1"]);
    await expectError(publish(u("member").conn, node, entry("no")), FORBIDDEN);
    // outcast: nothing.
    await expectError(subscribe(u("outcast").conn, node), FORBIDDEN);
    await expectError(u("outcast").conn.request(makeItems(HUB, node)), FORBIDDEN);
    await expectError(publish(u("outcast").conn, node, entry("no")), FORBIDDEN);
    // Only owners manage affiliations, and a node never loses its last owner.
    await expectError(u("pub").conn.request(makeNodeAffiliations(HUB, node)), FORBIDDEN);
    await expectError(affiliate(u("pub").conn, node, u("pub").jid, "owner"), FORBIDDEN);
    await expectError(affiliate(own, node, u("owner").jid, "member"), {
      type: "modify",
      condition: "not-acceptable",
    });
    // Each entity's own view (§5.7).
    const mine = await u("ponly").conn.request(makeAffiliationsGet(HUB));
    const own5 = mine.getChild("pubsub", NS_PUBSUB)?.getChild("affiliations")?.getChildren("affiliation");
    expect(own5?.map((a) => `${a.attrs.node}=${a.attrs.affiliation}`)).toEqual([`${node}=publish-only`]);
  });

  it("whitelist: a non-member is refused with closed-node; owners manage subscriptions and subscribers hear of it", async () => {
    const { conn: own } = u("owner");
    const node = "members-only";
    await create(own, node, { "pubsub#access_model": "whitelist" });
    await expectError(subscribe(u("outsider").conn, node), CLOSED);
    await expectError(u("outsider").conn.request(makeItems(HUB, node)), CLOSED);

    // §8.8.2: the owner subscribes someone; the subscriber is told.
    const { jid, inbox: box, conn: member } = u("member");
    // §13.2 / hub/access/rule.ts: only whitelisted entities receive a whitelist node's payloads.
    await affiliate(own, node, jid, "member");
    await own.request(makeNodeSubscriptions(HUB, node, { [jid]: "subscribed" }));
    const told = await box.next((m) => eventOf(m, node)?.name === "subscription");
    expect([eventOf(told)?.attrs.jid, eventOf(told)?.attrs.subscription]).toEqual([jid, "subscribed"]);
    const list = await own.request(makeNodeSubscriptions(HUB, node));
    const entries = list
      .getChild("pubsub", NS_PUBSUB_OWNER)
      ?.getChild("subscriptions")
      ?.getChildren("subscription");
    expect(entries?.map((s) => `${s.attrs.jid} ${s.attrs.subscription}`)).toEqual([`${jid} subscribed`]);
    await publish(own, node, entry("for members"), "w1");
    await box.next((m) => eventOf(m, node)?.getChild("item")?.attrs.id === "w1");
    await expectError(member.request(makeNodeSubscriptions(HUB, node)), FORBIDDEN);
    await own.request(makeNodeSubscriptions(HUB, node, { [jid]: "none" }));
    const ended = await box.next((m) => eventOf(m, node)?.name === "subscription");
    expect(eventOf(ended)?.attrs.subscription).toBe("none");
  });

  it("authorize: the subscription waits for the owner's answer to the authorization form", async () => {
    const { conn: own, inbox: ownerBox } = u("owner");
    const { conn: sub, jid, inbox: box } = u("outsider");
    const node = "by-approval";
    await create(own, node, { "pubsub#access_model": "authorize" });
    await publish(own, node, entry("before approval"), "a0");
    const pending = await subscribe(sub, node, jid);
    expect(pending.attrs.subscription).toBe("pending");
    await expectError(subscribe(sub, node, jid), {
      type: "auth",
      condition: "not-authorized",
      pubsub: "pending-subscription",
    });
    await expectError(sub.request(makeItems(HUB, node)), {
      type: "auth",
      condition: "not-authorized",
      pubsub: "not-subscribed",
    });

    const request = await ownerBox.next((m) => formOf(m) !== undefined);
    const asked = formValues(formOf(request));
    expect(asked).toMatchObject({
      FORM_TYPE: [AUTHORIZATION],
      "pubsub#node": [node],
      "pubsub#subscriber_jid": [jid],
      "pubsub#subid": [pending.attrs.subid as string],
    });
    expect(formOf(request)?.attrs.type).toBe("form");
    const answer = form(AUTHORIZATION, {
      "pubsub#subid": pending.attrs.subid as string,
      "pubsub#node": node,
      "pubsub#subscriber_jid": jid,
      "pubsub#allow": "1",
    });
    await own.send(parseXml(`<message to='hub.localhost' id='auth-1'>${answer}</message>`));
    const approved = await box.next((m) => eventOf(m, node)?.name === "subscription");
    expect([eventOf(approved)?.attrs.jid, eventOf(approved)?.attrs.subscription]).toEqual([
      jid,
      "subscribed",
    ]);
    expect(itemIds(await sub.request(makeItems(HUB, node)))).toEqual(["a0"]);
    await publish(own, node, entry("after approval"), "a1");
    const delivered: Element = await box.next((m) => eventOf(m, node)?.getChild("item")?.attrs.id === "a1");
    expect(delivered.attrs.from).toBe("hub.localhost");
  });
});
