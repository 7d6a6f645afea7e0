import { describe, expect, it } from "vitest";
import { parseEvent, parseItemsEvent } from "../../../../shared/xmpp/pubsub-events";
import { parseXml } from "../../../helpers/stanza";

const message = (inner: string) =>
  parseXml(
    `<message from='hub.x'><event xmlns='http://jabber.org/protocol/pubsub#event'>${inner}</event></message>`,
  );

/** The parsed event without its raw element (asserted on its own). */
const parsed = (inner: string) => {
  const event = parseEvent(message(inner));
  if (!event) return undefined;
  const { element, ...rest } = event;
  expect(element.toString()).toBe(parseXml(inner).toString());
  return "items" in rest ? { ...rest, items: rest.items.map((i) => i.toString()) } : rest;
};

describe("PubSub event notifications", () => {
  it("reads published and retracted items", () => {
    expect(parsed("<items node='n'><item id='a'><entry xmlns='urn:t'>x</entry></item></items>")).toEqual({
      kind: "items",
      node: "n",
      items: [`<item id="a"><entry xmlns="urn:t">x</entry></item>`],
      retracted: [],
    });
    expect(parsed("<items node='n'><retract id='a'/><retract id='b'/></items>")).toEqual({
      kind: "items",
      node: "n",
      items: [],
      retracted: ["a", "b"],
    });
  });

  it("reads purge, delete (with redirect), configuration and subscription notifications", () => {
    expect(parsed("<purge node='n'/>")).toEqual({ kind: "purge", node: "n" });
    expect(parsed("<delete node='n'/>")).toEqual({ kind: "delete", node: "n" });
    expect(parsed("<delete node='n'><redirect uri='xmpp:hub.x?;node=m'/></delete>")).toEqual({
      kind: "delete",
      node: "n",
      redirect: "xmpp:hub.x?;node=m",
    });
    expect(parsed("<configuration node='n'/>")).toEqual({ kind: "configuration", node: "n" });
    const withForm = parsed(
      "<configuration node='n'><x xmlns='jabber:x:data' type='result'><field var='pubsub#title'><value>T</value></field></x></configuration>",
    );
    expect(withForm).toEqual({
      kind: "configuration",
      node: "n",
      form: { type: "result", formType: undefined, fields: new Map([["pubsub#title", ["T"]]]) },
    });
    expect(parsed("<subscription node='n' jid='a@x' subscription='subscribed'/>")).toEqual({
      kind: "subscription",
      node: "n",
      jid: "a@x",
      subscription: "subscribed",
    });
  });

  it("is undefined for other stanzas and other events", () => {
    expect(parseEvent(parseXml("<message><body>hi</body></message>"))).toBeUndefined();
    expect(parseEvent(parseXml("<iq type='result'/>"))).toBeUndefined();
    expect(parsed("<collection node='n'/>")).toBeUndefined();
    expect(parseItemsEvent(message("<purge node='n'/>"))).toBeUndefined();
    expect(parseItemsEvent(message("<items node='n'><item id='a'/></items>"))?.node).toBe("n");
  });
});
