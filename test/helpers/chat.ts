/* Chatting with the hub from a test client: one message out, the hub's next reply back; and a
 * chat command stanza for unit tests of the chat layers. */
import xml, { type Element } from "@xmpp/xml";
import type { ClientConnection } from "../../shared/xmpp/client";

/** Sends `text` to `hub` as a chat message and resolves with the body of the hub's reply. */
export function say(client: ClientConnection, text: string, hub = "hub.localhost"): Promise<string> {
  const reply = new Promise<string>((resolve) => {
    const onStanza = (stanza: Element) => {
      if (stanza.is("message") && stanza.attrs.from === hub && stanza.getChild("body")) {
        client.xmpp.removeListener("stanza", onStanza);
        resolve(stanza.getChildText("body") ?? "");
      }
    };
    client.xmpp.on("stanza", onStanza);
  });
  void client.send(xml("message", { to: hub, type: "chat" }, xml("body", {}, text)));
  return reply;
}

/** A message from eve to the hub saying `kitchen relay on`, with the given attributes and children. */
export const chatMessage = (attrs: Record<string, string>, ...children: Element[]): Element =>
  xml(
    "message",
    { from: "eve@example.org/x", to: "hub.example.org", ...attrs },
    xml("body", {}, "kitchen relay on"),
    ...children,
  );
