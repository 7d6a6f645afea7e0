import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { startServer, type TestServer } from "./server";

/** Resolves with the next chat message from the hub. */
function nextReply(client: ClientConnection): Promise<Element> {
  return new Promise((resolve) => {
    const onStanza = (stanza: Element) => {
      if (stanza.is("message") && stanza.attrs.from === "hub.localhost" && stanza.getChild("body")) {
        client.xmpp.removeListener("stanza", onStanza);
        resolve(stanza);
      }
    };
    client.xmpp.on("stanza", onStanza);
  });
}

const ping = () => xml("iq", { type: "get", to: "hub.localhost" }, xml("ping", { xmlns: "urn:xmpp:ping" }));

describe("chatting with the hub", () => {
  let server: TestServer;
  let client: ClientConnection;

  beforeAll(async () => {
    server = await startServer();
    await server.hub();
    client = await server.client(await server.register());
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers help with one plain-text reply in the same thread", async () => {
    const reply = nextReply(client);
    await client.send(
      xml("message", { to: "hub.localhost", type: "chat" }, xml("body", {}, "help"), xml("thread", {}, "t1")),
    );
    const message = await reply;
    expect(message.attrs.type).toBe("chat");
    expect(message.getChildText("body")).toMatch(/claim/);
    expect(message.getChildText("thread")).toBe("t1");
  });

  it("lists no devices for a new user", async () => {
    const reply = nextReply(client);
    await client.send(xml("message", { to: "hub.localhost", type: "chat" }, xml("body", {}, "devices")));
    expect((await reply).getChildText("body")).toMatch(/no devices|none/i);
  });

  it("never answers groupchat, bodiless or carbon-wrapped messages", async () => {
    let replies = 0;
    const count = (stanza: Element) => {
      if (stanza.is("message") && stanza.attrs.from === "hub.localhost") replies++;
    };
    client.xmpp.on("stanza", count);
    await client.send(xml("message", { to: "hub.localhost", type: "groupchat" }, xml("body", {}, "help")));
    await client.send(
      xml(
        "message",
        { to: "hub.localhost", type: "chat" },
        xml("active", { xmlns: "http://jabber.org/protocol/chatstates" }),
      ),
    );
    await client.send(
      xml(
        "message",
        { to: "hub.localhost", type: "chat" },
        xml("body", {}, "help"),
        xml("received", { xmlns: "urn:xmpp:carbons:2" }, xml("forwarded", { xmlns: "urn:xmpp:forward:0" })),
      ),
    );
    // The hub handles stanzas in order: once the ping is answered, any reply would have come.
    await client.request(ping());
    client.xmpp.removeListener("stanza", count);
    expect(replies).toBe(0);
  });
});
