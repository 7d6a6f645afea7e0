/* A large fan-out leaves the hub responsive, through a real Prosody and a real `xiot hub`: one
 * publish to 3,000 subscribers goes out in paced slices, and a ping sent once the publish is
 * acknowledged is answered before the last slice. The subscribers are resources of one account
 * and only the last is online (Prosody drops headlines to the others, RFC 6121 §8.5.3.2.1); the
 * ping comes from that same connection, so the one TCP stream orders the ping's answer and the
 * last notification without any timing. Unpaced, the whole fan-out is written to the component
 * stream before the ping is read, and the notification arrives first.
 * References: XEP-0060 §7.1.2 (notifications), §8.8.2 (an owner sets subscriptions), XEP-0199
 * §4.2 (ping), hub/pubsub/notify.ts (slices with backpressure), BENCHMARKS.md "Fan-out". */

import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS_PING } from "../../shared/xmpp/ns";
import { parseItemsEvent } from "../../shared/xmpp/pubsub-events";
import { makeNodeSubscriptions } from "../../shared/xmpp/pubsub-owner";
import { create, entry, HUB, publish } from "../helpers/pubsub";
import { startServer, type TestServer } from "./server";

const SUBSCRIBERS = 3000;
const NODE = "fanout";

describe("PubSub fan-out, end to end", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    await server.hub(["--hub.allowLocalUsers", "--pubsub.maxSubscriptionsPerNode", String(SUBSCRIBERS)]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(`answers a ping before the last of ${SUBSCRIBERS} notifications of one publish`, async () => {
    const owner = await server.client(await server.register(), "owner");
    const account = await server.register();
    const watcher = await server.client(account, `r${SUBSCRIBERS - 1}`);
    await create(owner, NODE);
    // §8.8.2: the owner subscribes every resource, 500 to an IQ, the online one last.
    for (let from = 0; from < SUBSCRIBERS - 1; from += 500) {
      const states: Record<string, string> = {};
      for (let i = from; i < Math.min(from + 500, SUBSCRIBERS - 1); i++)
        states[`${account.jid}/r${i}`] = "subscribed";
      await owner.request(makeNodeSubscriptions(HUB, NODE, states), 60_000);
    }
    await owner.request(makeNodeSubscriptions(HUB, NODE, { [watcher.jid()]: "subscribed" }));
    const order: string[] = [];
    const notified = new Promise<void>((resolve) => {
      const onStanza = (stanza: Element) => {
        if (!parseItemsEvent(stanza)?.items.some((item) => item.attrs.id === "wide")) return;
        order.push("notification");
        watcher.xmpp.removeListener("stanza", onStanza);
        resolve();
      };
      watcher.xmpp.on("stanza", onStanza);
    });
    expect(await publish(owner, NODE, entry("to everyone"), "wide")).toBe("wide");
    const pong = watcher
      .request(xml("iq", { type: "get", to: HUB }, xml("ping", { xmlns: NS_PING })))
      .then(() => order.push("pong"));
    await Promise.all([notified, pong]);
    expect(order).toEqual(["pong", "notification"]);
  });
});
