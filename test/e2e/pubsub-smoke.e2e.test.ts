import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEncodedReadingsPayload } from "../../shared/exi/payload";
import { hubJid } from "../../shared/jid";
import { readingsNode } from "../../shared/model";
import { NS_READINGS } from "../../shared/xmpp/ns";
import { makePublish, makeSubscribe } from "../../shared/xmpp/pubsub";
import { parseEvent, parseItemsEvent } from "../../shared/xmpp/pubsub-events";
import { makeCreate, makeNodeAffiliations } from "../../shared/xmpp/pubsub-owner";
import { startServer, type TestServer } from "./server";

const HUB = hubJid("localhost");

describe("PubSub through the hub, end to end", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    await server.hub();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a device creates its readings node, a whitelisted subscriber gets the notification", async () => {
    const device = await server.register("kitchen-1");
    const publisher = await server.client(device, "agent");
    const node = readingsNode("kitchen-1");
    await publisher.request(makeCreate(HUB, node));
    const watcher = await server.register();
    await publisher.request(makeNodeAffiliations(HUB, node, { [watcher.jid]: "member" }));
    const subscriber = await server.client(watcher);
    await subscriber.request(makeSubscribe(HUB, node, watcher.jid));
    const notified = new Promise<Element>((resolve) =>
      subscriber.xmpp.on("stanza", (stanza) => {
        if (parseEvent(stanza)) resolve(stanza);
      }),
    );
    const doc = JSON.stringify({
      v: 1,
      dev: "kitchen-1",
      boot: "1.abc",
      seq: 0,
      clk: "sync",
      r: [{ c: "temperature", t: Date.now(), v: 21.5 }],
    });
    const payload = makeEncodedReadingsPayload(new TextEncoder().encode(doc));
    const result = await publisher.request(makePublish(HUB, node, payload, { id: "1.abc-0" }));
    expect(result.attrs.type).toBe("result");
    const message = await notified;
    const item = parseItemsEvent(message)?.items[0];
    expect(item?.attrs.id).toBe("1.abc-0");
    expect(item?.getChild("readings", NS_READINGS)?.text()).toBe(doc);
  });
});
