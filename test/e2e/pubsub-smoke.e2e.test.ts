import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS_PUBSUB, NS_PUBSUB_EVENT } from "../../shared/xmpp/ns";
import { startServer, type TestServer } from "./server";

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
    const node = "devices/kitchen-1/readings";
    await publisher.request(
      xml(
        "iq",
        { type: "set", to: "hub.localhost" },
        xml("pubsub", { xmlns: NS_PUBSUB }, xml("create", { node })),
      ),
    );
    const watcher = await server.register();
    await publisher.request(
      xml(
        "iq",
        { type: "set", to: "hub.localhost" },
        xml(
          "pubsub",
          { xmlns: `${NS_PUBSUB}#owner` },
          xml("affiliations", { node }, xml("affiliation", { jid: watcher.jid, affiliation: "member" })),
        ),
      ),
    );
    const subscriber = await server.client(watcher);
    await subscriber.request(
      xml(
        "iq",
        { type: "set", to: "hub.localhost" },
        xml("pubsub", { xmlns: NS_PUBSUB }, xml("subscribe", { node, jid: watcher.jid })),
      ),
    );
    const notified = new Promise<Element>((resolve) =>
      subscriber.xmpp.on("stanza", (stanza) => {
        if (stanza.is("message") && stanza.getChild("event", NS_PUBSUB_EVENT)) resolve(stanza);
      }),
    );
    const payload = xml("readings", { xmlns: "urn:xiot:readings:0", encoding: "json" }, '{"v":1}');
    const result = await publisher.request(
      xml(
        "iq",
        { type: "set", to: "hub.localhost" },
        xml(
          "pubsub",
          { xmlns: NS_PUBSUB },
          xml("publish", { node }, xml("item", { id: "1.abc-0" }, payload)),
        ),
      ),
    );
    expect(result.attrs.type).toBe("result");
    const message = await notified;
    const item = message.getChild("event", NS_PUBSUB_EVENT)?.getChild("items")?.getChild("item");
    expect(item?.attrs.id).toBe("1.abc-0");
    expect(item?.getChild("readings", "urn:xiot:readings:0")?.text()).toBe('{"v":1}');
  });
});
