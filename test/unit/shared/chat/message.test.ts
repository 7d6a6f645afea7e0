import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { delayOf, isChatCommand, makeChatReply } from "../../../../shared/chat/message";
import { NS_DELAY, NS_XIOT_CHAT_REPLY } from "../../../../shared/xmpp/ns";
import { chatMessage } from "../../../helpers/chat";
import { parseXml } from "../../../helpers/stanza";

const NOW = Date.parse("2026-11-21T12:00:00Z");

const message = chatMessage;

describe("chat messages", () => {
  it("takes chat and normal messages with a body, never groupchat, headline, errors, copies or replies", () => {
    expect(isChatCommand(message({ type: "chat" }))).toBe(true);
    expect(isChatCommand(message({}))).toBe(true);
    expect(isChatCommand(message({ type: "groupchat" }))).toBe(false);
    expect(isChatCommand(message({ type: "headline" }))).toBe(false);
    expect(isChatCommand(message({ type: "error" }))).toBe(false);
    expect(isChatCommand(message({ type: "chat" }, xml("sent", { xmlns: "urn:xmpp:carbons:2" })))).toBe(
      false,
    );
    expect(isChatCommand(message({ type: "chat" }, xml("forwarded", { xmlns: "urn:xmpp:forward:0" })))).toBe(
      false,
    );
    expect(isChatCommand(message({ type: "chat" }, xml("reply", { xmlns: NS_XIOT_CHAT_REPLY })))).toBe(false);
    expect(isChatCommand(xml("presence", {}, xml("body", {}, "status")))).toBe(false);
  });

  it("takes no bodiless or blank message, and no carbon of someone else's command", () => {
    const m = (s: string) => isChatCommand(parseXml(s));
    expect(
      m(
        `<message type='chat' from='a@b/c'><chatstate xmlns='http://jabber.org/protocol/chatstates'/></message>`,
      ),
    ).toBe(false);
    expect(m(`<message type='chat' from='a@b/c'><body>  </body></message>`)).toBe(false);
    expect(
      m(
        `<message type='chat' from='dev@b'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message type='chat' from='owner@b/x'><body>relay on</body></message></forwarded></received></message>`,
      ),
    ).toBe(false);
    expect(
      m(
        `<message type='chat' from='d@b/agent'><body>Refused</body><reply xmlns='urn:xiot:chat-reply:0'/></message>`,
      ),
    ).toBe(false);
  });

  it("reads the XEP-0203 stamp", () => {
    const stamped = message({}, xml("delay", { xmlns: NS_DELAY, stamp: new Date(NOW - 5000).toISOString() }));
    expect(delayOf(stamped, NOW)).toBe(5000);
    expect(delayOf(message({}), NOW)).toBeUndefined();
    expect(delayOf(message({}, xml("delay", { xmlns: NS_DELAY, stamp: "yesterday" })), NOW)).toBeUndefined();
  });

  it("replies to the sender, with the same type and thread, marked as a reply", () => {
    const reply = makeChatReply(
      message({ type: "chat", id: "m1" }, xml("thread", {}, "t1")),
      "Done.",
      "hub.example.org",
    );
    expect(reply.toString()).toBe(
      `<message type="chat" to="eve@example.org/x" from="hub.example.org" id="m1-reply"><body>Done.</body><thread>t1</thread><reply xmlns="${NS_XIOT_CHAT_REPLY}"/></message>`,
    );
    expect(makeChatReply(message({}), "ok").attrs).toEqual({ type: "normal", to: "eve@example.org/x" });
  });
});
