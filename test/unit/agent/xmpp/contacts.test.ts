/* Subscription requests to the device: approved for readers, refused to others, cancelled on
 * revocation (RFC 6121 §3.1.4, §3.1.5, §3.2.1). */
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { createContacts } from "../../../../agent/xmpp/contacts";
import { silentLogger } from "../../../../shared/log";

function contacts() {
  const sent: Element[] = [];
  const c = createContacts({
    allowed: { mayRead: async (from) => from?.startsWith("op@example.org") === true },
    send: async (s) => void sent.push(s),
    log: silentLogger(),
  });
  const said = () => sent.map((s) => `${s.attrs.type} ${s.attrs.to}`);
  return { c, said };
}

const presence = (from: string, type?: string) => xml("presence", { from, ...(type && { type }) });

describe("the device's contacts", () => {
  it("approves a reader's request to the bare JID and refuses anyone else's", async () => {
    const { c, said } = contacts();
    expect(await c.onPresence(presence("op@example.org/phone", "subscribe"))).toBe(true);
    expect(await c.onPresence(presence("eve@example.org/x", "subscribe"))).toBe(true);
    expect(said()).toEqual(["subscribed op@example.org", "unsubscribed eve@example.org"]);
  });

  it("leaves other presence alone, and cancels a subscription when read access is revoked", async () => {
    const { c, said } = contacts();
    for (const type of [undefined, "unavailable", "subscribed", "unsubscribe", "probe"])
      expect(await c.onPresence(presence("op@example.org/phone", type))).toBe(false);
    expect(await c.onPresence(xml("message", { from: "op@example.org/phone", type: "subscribe" }))).toBe(
      false,
    );
    expect(said()).toEqual([]);
    await c.revoked("Op@Example.org/phone");
    expect(said()).toEqual(["unsubscribed op@example.org"]);
    await c.granted("new@example.org/x");
    expect(said().at(-1)).toBe("subscribe new@example.org");
  });
});
