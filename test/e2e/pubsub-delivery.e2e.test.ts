/* Notification delivery across failures: Prosody killed and restarted (subscriptions survive,
 * the next publish reaches every subscriber), and delivery errors of type wait or
 * recipient-unavailable never remove a subscription.
 * References: XEP-0060 §7.1.2 (notifications), §12.x (bounced notifications are a service
 * decision); RFC 6120 §8.3 (error types); RFC 6121 §8.5.3 (messages to an unavailable resource). */
import type { Socket } from "node:net";
import { client as xmppClient } from "@xmpp/client";
import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientConnection, useNativeScram } from "../../shared/xmpp/client";
import { makeItems, makeSubscribe } from "../../shared/xmpp/pubsub";
import { makeNodeSubscriptions } from "../../shared/xmpp/pubsub-owner";
import { type CliProcess, jsonLogLines } from "../helpers/cli";
import {
  create,
  entry,
  eventOf,
  HUB,
  inbox,
  itemIds,
  NS_PUBSUB_OWNER,
  publish,
  subscribe,
} from "../helpers/pubsub";
import { parseXml } from "../helpers/stanza";
import { type Account, startServer, type TestServer } from "./server";

/** Owner's view of a node's subscriptions, as "jid state" lines. */
async function subscriptionsOf(conn: ClientConnection, node: string): Promise<string[]> {
  const result = await conn.request(makeNodeSubscriptions(HUB, node));
  return (
    result
      .getChild("pubsub", NS_PUBSUB_OWNER)
      ?.getChild("subscriptions")
      ?.getChildren("subscription")
      .map((s) => `${s.attrs.jid} ${s.attrs.subscription}`)
      .sort() ?? []
  );
}

/** A reconnecting client announces itself again, as chat clients do after every login. */
function presenceOnEveryLogin(conn: ClientConnection): void {
  conn.link.on("online", () => {
    conn.send(xml("presence")).catch(() => {
      // The link went down again at once; the next "online" sends it.
    });
  });
}

describe("PubSub delivery across failures", () => {
  let server: TestServer;
  let hub: CliProcess;

  beforeAll(async () => {
    // A short stream-management hibernation: a dropped session's queue is bounced within seconds.
    server = await startServer(["--smacks-hibernation", "2"]);
    hub = await server.hub(["--hub.allowLocalUsers", "--log.level", "debug"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("after Prosody is killed and restarted, subscriptions survive and the next publish reaches every subscriber", async () => {
    const ownerConn = await server.client(await server.register());
    const bareAccount = await server.register();
    const bare = await server.client(bareAccount);
    const full = await server.client(await server.register(), "phone");
    const clients = [ownerConn, bare, full];
    for (const c of clients) presenceOnEveryLogin(c);
    await create(ownerConn, "survivor");
    await subscribe(bare, "survivor", bareAccount.jid);
    await subscribe(full, "survivor", full.jid());
    const before = await subscriptionsOf(ownerConn, "survivor");
    expect(before).toEqual([`${bareAccount.jid} subscribed`, `${full.jid()} subscribed`].sort());

    const back = clients.map((c) => new Promise<void>((resolve) => c.link.once("online", resolve)));
    const serverProcess = server.process;
    process.kill(server.prosodyPid(), "SIGKILL");
    expect((await serverProcess.exited).code).toBe(1);
    const restartedAt = Date.now();
    await server.restart();
    await hub.waitForLine("stderr", (text) => text.includes(": online"), 60_000, restartedAt);
    await Promise.all(back);
    const bareInbox = inbox(bare);
    const fullInbox = inbox(full);
    // Presence is sent on "online"; a ping round trip makes sure the server processed it.
    await Promise.all([bareInbox.barrier(), fullInbox.barrier()]);

    expect(await subscriptionsOf(ownerConn, "survivor")).toEqual(before);
    await publish(ownerConn, "survivor", entry("after the restart"), "after");
    for (const box of [bareInbox, fullInbox]) {
      const got = await box.next((m) => eventOf(m, "survivor") !== undefined, 15_000);
      expect(eventOf(got)?.getChild("item")?.attrs.id).toBe("after");
    }
  });

  it("a subscriber that went offline keeps its full-JID subscription and catches up with <items/>", async () => {
    const ownerConn = await server.client(await server.register());
    const account: Account = await server.register();
    const first = await server.client(account, "tablet");
    const fullJid = first.jid();
    await create(ownerConn, "while-away");
    await subscribe(first, "while-away", fullJid);
    await first.stop();

    const since = Date.now();
    await publish(ownerConn, "while-away", entry("missed 1"), "m1");
    await publish(ownerConn, "while-away", entry("missed 2"), "m2");
    // Whatever the server does with notifications to a gone resource (drop or bounce), the
    // subscription stays. The hub logs every bounce it receives: wait for the owner's
    // round trip so both notifications have been handled by the server.
    await ownerConn.request(makeItems(HUB, "while-away"));
    expect(await subscriptionsOf(ownerConn, "while-away")).toEqual([`${fullJid} subscribed`]);
    const dropped = jsonLogLines(hub.stderr).filter(
      (l) => l.at >= since && String(l.msg).includes("subscriptions of an unreachable JID removed"),
    );
    expect(dropped).toEqual([]);

    const again = await server.client(account, "tablet");
    expect(again.jid()).toBe(fullJid);
    expect(itemIds(await again.request(makeItems(HUB, "while-away")))).toEqual(["m2", "m1"]);
    const box = inbox(again);
    await publish(ownerConn, "while-away", entry("back"), "m3");
    const got = await box.next((m) => eventOf(m, "while-away") !== undefined);
    expect(eventOf(got)?.getChild("item")?.attrs.id).toBe("m3");
  });

  it("a dropped connection: Prosody bounces the queued notification with recipient-unavailable; the subscription stays", async () => {
    const ownerConn = await server.client(await server.register());
    const account = await server.register();
    const raw = xmppClient({
      service: server.info.c2s,
      domain: server.info.domain,
      username: account.username,
      password: account.password,
      resource: "pda",
    });
    raw.reconnect.stop();
    useNativeScram(raw);
    raw.on("error", () => {
      // The socket destroyed below reports an error; that breakage is the point of the test.
    });
    await raw.start();
    await raw.send(xml("presence"));
    const fullJid = raw.jid?.toString() as string;
    await create(ownerConn, "dropped");
    await raw.iqCaller.request(makeSubscribe(HUB, "dropped", fullJid));
    expect(raw.streamManagement.enabled).toBe(true);
    // The connection breaks without a closing stream: Prosody keeps the session hibernating.
    (raw.socket as unknown as Socket).destroy();

    const since = Date.now();
    await publish(ownerConn, "dropped", entry("queued"), "q1");
    const bounced = await hub.waitForLine(
      "stderr",
      (line) => line.includes("notification bounced") && line.includes(fullJid),
      20_000,
      since,
    );
    expect(JSON.parse(bounced.text)).toMatchObject({ from: fullJid, condition: "recipient-unavailable" });
    expect(await subscriptionsOf(ownerConn, "dropped")).toEqual([`${fullJid} subscribed`]);
    const again = await server.client(account, "pda");
    expect(itemIds(await again.request(makeItems(HUB, "dropped")))).toEqual(["q1"]);
  });

  it("bounces of type wait or recipient-unavailable keep the subscription; a permanent address error drops it", async () => {
    const ownerConn = await server.client(await server.register());
    const sub = await server.client(await server.register(), "laptop");
    await create(ownerConn, "bounced");
    await subscribe(sub, "bounced", sub.jid());
    const bounce = (type: string, condition: string) =>
      sub.send(
        parseXml(
          `<message type='error' to='hub.localhost' id='n1'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='bounced'/></event><error type='${type}'><${condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`,
        ),
      );
    const handled = (since: number, text: string) =>
      hub.waitForLine("stderr", (line) => line.includes(text) && line.includes(sub.jid()), 10_000, since);

    let since = Date.now();
    await bounce("wait", "resource-constraint");
    await handled(since, "subscription kept");
    since = Date.now();
    await bounce("cancel", "recipient-unavailable");
    await handled(since, "subscription kept");
    since = Date.now();
    await bounce("wait", "recipient-unavailable");
    await handled(since, "subscription kept");
    expect(await subscriptionsOf(ownerConn, "bounced")).toEqual([`${sub.jid()} subscribed`]);

    since = Date.now();
    await bounce("cancel", "item-not-found");
    await handled(since, "unreachable JID removed");
    expect(await subscriptionsOf(ownerConn, "bounced")).toEqual([]);
  });
});
