import { describe, expect, it } from "vitest";
import { isChatCommand, parseChatCommand, parseChatValue } from "../../../../agent/control/chat";
import { parseXml } from "../../../helpers/stanza";

describe("chat commands", () => {
  it("parses the five forms, case-insensitively", () => {
    expect(parseChatCommand(" Help ")).toEqual({ kind: "help" });
    expect(parseChatCommand("status")).toEqual({ kind: "status" });
    expect(parseChatCommand("Temperature?")).toEqual({ kind: "read", channel: "temperature" });
    expect(parseChatCommand("relay ON")).toEqual({ kind: "set", channel: "relay", value: true });
    expect(parseChatCommand("relay off")).toEqual({ kind: "set", channel: "relay", value: false });
    expect(parseChatCommand("set dimmer 42.5")).toEqual({ kind: "set", channel: "dimmer", value: 42.5 });
    expect(parseChatCommand("set relay on")).toEqual({ kind: "set", channel: "relay", value: true });
    expect(parseChatCommand("set relay")).toEqual({ kind: "unknown", text: "set relay" });
    expect(parseChatCommand("?")).toEqual({ kind: "unknown", text: "?" });
    expect(parseChatCommand("please open the door")).toMatchObject({ kind: "unknown" });
  });

  it("reads values as booleans, numbers, then text", () => {
    expect(parseChatValue("true")).toBe(true);
    expect(parseChatValue("no")).toBe(false);
    expect(parseChatValue("1")).toBe(1);
    expect(parseChatValue("-3e2")).toBe(-300);
    expect(parseChatValue("auto")).toBe("auto");
  });

  it("answers chat and normal messages with a body, never carbons, errors or headlines", () => {
    const m = (s: string) => isChatCommand(parseXml(s));
    expect(m(`<message type='chat' from='a@b/c'><body>status</body></message>`)).toBe(true);
    expect(m(`<message from='a@b/c'><body>status</body></message>`)).toBe(true);
    expect(m(`<message type='error' from='a@b/c'><body>status</body></message>`)).toBe(false);
    expect(m(`<message type='headline' from='a@b/c'><body>status</body></message>`)).toBe(false);
    expect(
      m(
        `<message type='chat' from='d@b/agent'><body>Not allowed</body><reply xmlns='urn:xiot:chat-reply:0'/></message>`,
      ),
    ).toBe(false);
    expect(
      m(
        `<message type='chat' from='a@b/c'><chatstate xmlns='http://jabber.org/protocol/chatstates'/></message>`,
      ),
    ).toBe(false);
    expect(
      m(
        `<message type='chat' from='dev@b'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message type='chat' from='owner@b/x'><body>relay on</body></message></forwarded></received></message>`,
      ),
    ).toBe(false);
  });
});
