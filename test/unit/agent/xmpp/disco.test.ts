import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { AGENT_FEATURES, discoInfo } from "../../../../agent/xmpp/disco";
import { NS_CHAT_MARKERS, NS_DISCO_INFO, NS_RECEIPTS, NS_STANZAS } from "../../../../shared/xmpp/ns";

describe("the agent's disco#info (XEP-0030 §3.1)", () => {
  it("names the device as a bot and lists what it answers", () => {
    const info = discoInfo("kitchen-1", xml("query", { xmlns: NS_DISCO_INFO }));
    expect(info.getChild("identity")?.attrs).toEqual({
      category: "client",
      type: "bot",
      name: "xiot device kitchen-1",
    });
    const features = info.getChildren("feature").map((f) => f.attrs.var);
    expect(features).toEqual(AGENT_FEATURES);
    expect(features).toEqual(expect.arrayContaining([NS_RECEIPTS, NS_CHAT_MARKERS, NS_DISCO_INFO]));
  });

  it("has no nodes: any node is item-not-found (§3.2)", () => {
    const error = discoInfo("kitchen-1", xml("query", { xmlns: NS_DISCO_INFO, node: "x" }));
    expect(error.name).toBe("error");
    expect(error.getChild("item-not-found", NS_STANZAS)).toBeDefined();
  });
});
