/* Receipts (XEP-0184 §5) and displayed markers (XEP-0333 §4) that a chat command asks for. */
import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { acknowledgements } from "../../../../shared/chat/acknowledge";
import { NS_CHAT_MARKERS, NS_RECEIPTS } from "../../../../shared/xmpp/ns";
import { chatMessage } from "../../../helpers/chat";

const request = () => xml("request", { xmlns: NS_RECEIPTS });
const markable = () => xml("markable", { xmlns: NS_CHAT_MARKERS });

describe("chat acknowledgements", () => {
  it("answers a receipt request with an ack whose one child echoes the id, of the command's type", () => {
    const [ack, ...more] = acknowledgements(
      chatMessage({ type: "chat", id: "m-7" }, request()),
      "hub.example.org",
    );
    expect(more).toEqual([]);
    expect(ack?.attrs).toMatchObject({ to: "eve@example.org/x", from: "hub.example.org", type: "chat" });
    expect(ack?.attrs.id).toMatch(/^receipt-/);
    expect(ack?.children).toHaveLength(1);
    expect(ack?.getChild("received", NS_RECEIPTS)?.attrs.id).toBe("m-7");
    expect(ack?.getChild("request", NS_RECEIPTS)).toBeUndefined();
    expect(ack?.getChild("body")).toBeUndefined();
  });

  it("answers a markable message with <displayed/>, and both when both are asked, each its own message", () => {
    const acks = acknowledgements(chatMessage({ id: "m-8" }, request(), markable()));
    expect(
      acks.map((a) => a.children.map((c) => typeof c !== "string" && `${c.name} ${c.attrs.id}`)),
    ).toEqual([["received m-8"], ["displayed m-8"]]);
    expect(acks.map((a) => a.attrs.type)).toEqual(["normal", "normal"]);
    expect(acks[0]?.attrs.from).toBeUndefined();
    expect(new Set(acks.map((a) => a.attrs.id)).size).toBe(2);
  });

  it("asks nothing without an id or a request, and never answers a sender it cannot address", () => {
    expect(acknowledgements(chatMessage({}, request(), markable()))).toEqual([]);
    expect(acknowledgements(chatMessage({ id: "m-9" }))).toEqual([]);
    const anonymous = xml("message", { id: "m-10" }, xml("body", {}, "help"), request());
    expect(acknowledgements(anonymous)).toEqual([]);
  });
});
