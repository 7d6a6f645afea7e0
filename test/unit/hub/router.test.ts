import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { StoreError } from "../../../hub/db/errors";
import { createDisco } from "../../../hub/disco";
import { pingDisco, pingRoute } from "../../../hub/ping";
import { createRouter } from "../../../hub/router";
import { silentLogger } from "../../../shared/log";

function setup() {
  const sent: Element[] = [];
  const router = createRouter({ send: async (stanza) => void sent.push(stanza), log: silentLogger() });
  const disco = createDisco();
  disco.contribute({
    identities: [{ category: "component", type: "generic", name: "xiot hub" }],
    features: [],
  });
  disco.contribute(pingDisco);
  for (const route of [...disco.routes(), pingRoute]) router.add(route);
  return { router, sent };
}

const iq = (type: string, ...children: Element[]) =>
  xml("iq", { type, id: "q1", from: "alice@localhost/x", to: "hub.localhost" }, ...children);

describe("the hub's IQ router", () => {
  it("answers disco#info with identities and sorted features", async () => {
    const { router, sent } = setup();
    await router.dispatch(iq("get", xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    expect(sent[0]?.toString()).toBe(
      xml(
        "iq",
        { type: "result", id: "q1", to: "alice@localhost/x", from: "hub.localhost" },
        xml(
          "query",
          { xmlns: "http://jabber.org/protocol/disco#info" },
          xml("identity", { category: "component", type: "generic", name: "xiot hub" }),
          xml("feature", { var: "http://jabber.org/protocol/disco#info" }),
          xml("feature", { var: "http://jabber.org/protocol/disco#items" }),
          xml("feature", { var: "urn:xmpp:ping" }),
        ),
      ).toString(),
    );
  });

  it("answers a ping with an empty result", async () => {
    const { router, sent } = setup();
    await router.dispatch(iq("get", xml("ping", { xmlns: "urn:xmpp:ping" })));
    expect(sent[0]?.toString()).toBe(
      xml("iq", { type: "result", id: "q1", to: "alice@localhost/x", from: "hub.localhost" }).toString(),
    );
  });

  it("answers an unknown payload with service-unavailable", async () => {
    const { router, sent } = setup();
    await router.dispatch(iq("set", xml("query", { xmlns: "urn:example" })));
    expect(sent[0]?.toString()).toBe(
      xml(
        "iq",
        { type: "error", id: "q1", to: "alice@localhost/x", from: "hub.localhost" },
        xml(
          "error",
          { type: "cancel" },
          xml("service-unavailable", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" }),
        ),
      ).toString(),
    );
  });

  it("answers an IQ with two payloads with bad-request, and a node it does not know with item-not-found", async () => {
    const { router, sent } = setup();
    await router.dispatch(
      iq("get", xml("ping", { xmlns: "urn:xmpp:ping" }), xml("ping", { xmlns: "urn:xmpp:ping" })),
    );
    await router.dispatch(
      iq("get", xml("query", { xmlns: "http://jabber.org/protocol/disco#info", node: "nope" })),
    );
    expect(sent.map((s) => s.getChild("error")?.children.map((c) => (c as Element).name)[0])).toEqual([
      "bad-request",
      "item-not-found",
    ]);
  });

  it("turns a throwing handler into internal-server-error, and never answers results or errors", async () => {
    const { router, sent } = setup();
    router.add({
      type: "get",
      ns: "urn:example:boom",
      name: "q",
      handler: () => {
        throw new Error("bug");
      },
    });
    await router.dispatch(iq("get", xml("q", { xmlns: "urn:example:boom" })));
    await router.dispatch(iq("result"));
    await router.dispatch(iq("error", xml("error", { type: "cancel" })));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.getChild("error")?.getChild("internal-server-error")).toBeDefined();
  });

  it("answers a handler whose store is full with wait/resource-constraint, for any route", async () => {
    const { router, sent } = setup();
    router.add({
      type: "set",
      ns: "urn:example:store",
      name: "q",
      handler: () => {
        throw new StoreError("storage-full", "disk full");
      },
    });
    await router.dispatch(iq("set", xml("q", { xmlns: "urn:example:store" })));
    expect(sent).toHaveLength(1);
    const error = sent[0]?.getChild("error");
    expect(error?.attrs.type).toBe("wait");
    expect(error?.getChild("resource-constraint")).toBeDefined();
  });
});
