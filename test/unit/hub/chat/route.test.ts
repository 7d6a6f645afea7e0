import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { createChatRoute, NOT_RUN, STORAGE_FULL } from "../../../../hub/chat/route";
import { StoreError } from "../../../../hub/db/errors";
import { NS_CHAT_MARKERS, NS_DELAY, NS_RECEIPTS, NS_XIOT_CHAT_REPLY } from "../../../../shared/xmpp/ns";
import { chatMessage } from "../../../helpers/chat";

const NOW = Date.parse("2026-11-21T12:00:00Z");

function route() {
  const sent: Element[] = [];
  const heard: Array<[string, string]> = [];
  /** How many stanzas had been sent when each command ran. */
  const acked: number[] = [];
  const onChat = createChatRoute({
    chat: {
      handle: async (from, text) => {
        heard.push([from, text]);
        acked.push(sent.length);
        return `ok ${text}`;
      },
    },
    send: async (s) => void sent.push(s),
    jid: "hub.example.org",
    clock: { now: () => NOW },
  });
  return { sent, heard, acked, onChat };
}

const message = chatMessage;

describe("chat route", () => {
  it("answers a chat with one marked reply of the same type and thread, as the routed sender", async () => {
    const r = route();
    expect(await r.onChat(message({ type: "chat" }, xml("thread", {}, "t1")))).toBe(true);
    expect(r.heard).toEqual([["eve@example.org/x", "kitchen relay on"]]);
    const reply = r.sent[0] as Element;
    expect(reply.attrs).toMatchObject({ to: "eve@example.org/x", from: "hub.example.org", type: "chat" });
    expect(reply.getChildText("body")).toBe("ok kitchen relay on");
    expect(reply.getChildText("thread")).toBe("t1");
    expect(reply.getChild("reply", NS_XIOT_CHAT_REPLY)).toBeDefined();
  });

  it("sends the receipt and displayed marker a command asks for before running it, then the reply", async () => {
    const r = route();
    const asked = message(
      { type: "chat", id: "m-1" },
      xml("request", { xmlns: NS_RECEIPTS }),
      xml("markable", { xmlns: NS_CHAT_MARKERS }),
    );
    expect(await r.onChat(asked)).toBe(true);
    expect(r.acked).toEqual([2]);
    const [receipt, marker, reply] = r.sent;
    expect(receipt?.getChild("received", NS_RECEIPTS)?.attrs.id).toBe("m-1");
    expect(marker?.getChild("displayed", NS_CHAT_MARKERS)?.attrs.id).toBe("m-1");
    for (const ack of [receipt, marker])
      expect(ack?.attrs).toMatchObject({ to: "eve@example.org/x", from: "hub.example.org", type: "chat" });
    expect(reply?.getChildText("body")).toBe("ok kitchen relay on");
    // A receipt request on what is not a command (an xiot reply) is not answered.
    const other = message(
      { type: "chat", id: "m-2" },
      xml("reply", { xmlns: NS_XIOT_CHAT_REPLY }),
      xml("request", { xmlns: NS_RECEIPTS }),
    );
    expect(await r.onChat(other)).toBe(false);
    expect(r.sent).toHaveLength(3);
  });

  it("ignores groupchat, headline, errors, carbons, forwards and replies of xiot entities", async () => {
    const r = route();
    const ignored = [
      message({ type: "groupchat" }),
      message({ type: "headline" }),
      message({ type: "error" }),
      message({ type: "chat" }, xml("sent", { xmlns: "urn:xmpp:carbons:2" })),
      message({ type: "chat" }, xml("forwarded", { xmlns: "urn:xmpp:forward:0" })),
      message({ type: "chat" }, xml("reply", { xmlns: NS_XIOT_CHAT_REPLY })),
    ];
    for (const m of ignored) expect(await r.onChat(m)).toBe(false);
    expect(r.heard).toEqual([]);
    expect(r.sent).toEqual([]);
    expect(await r.onChat(message({}))).toBe(true);
    expect(r.sent.map((m) => m.attrs.type)).toEqual(["normal"]);
  });

  it("acts for the routed sender whatever <delay from> or XEP-0033 addresses claim", async () => {
    const r = route();
    const spoof = message(
      { type: "chat" },
      xml("delay", { xmlns: NS_DELAY, from: "admin@example.org", stamp: new Date(NOW - 1000).toISOString() }),
      xml(
        "addresses",
        { xmlns: "http://jabber.org/protocol/address" },
        xml("address", { type: "ofrom", jid: "admin@example.org" }),
      ),
    );
    await r.onChat(spoof);
    expect(r.heard).toEqual([["eve@example.org/x", "kitchen relay on"]]);
  });

  it("does not run a command stamped longer ago than a minute, and says so", async () => {
    const r = route();
    const old = message(
      { type: "chat" },
      xml("delay", { xmlns: NS_DELAY, stamp: new Date(NOW - 3_600_000).toISOString() }),
    );
    await r.onChat(old);
    expect(r.heard).toEqual([]);
    expect(r.sent[0]?.getChildText("body")).toBe(
      "That command was sent 1 h ago and was not run. Send it again if you still want it.",
    );
  });
});

describe("chat route when a command cannot run", () => {
  function failing(error: Error) {
    const sent: Element[] = [];
    const onChat = createChatRoute({
      chat: {
        handle: async () => {
          throw error;
        },
      },
      send: async (s) => void sent.push(s),
      jid: "hub.example.org",
      clock: { now: () => NOW },
    });
    return { sent, onChat };
  }

  it("answers a full disk with one reply that says so", async () => {
    const r = failing(new StoreError("storage-full", "disk full"));
    expect(await r.onChat(message({ type: "chat" }))).toBe(true);
    expect(r.sent.map((s) => s.getChildText("body"))).toEqual([STORAGE_FULL]);
  });

  it("answers a bug with one reply, then passes the error on to be logged", async () => {
    const bug = new Error("boom");
    const r = failing(bug);
    await expect(r.onChat(message({ type: "chat" }))).rejects.toBe(bug);
    expect(r.sent.map((s) => s.getChildText("body"))).toEqual([NOT_RUN]);
  });
});
