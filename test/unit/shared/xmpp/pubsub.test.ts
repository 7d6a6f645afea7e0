import { describe, expect, it } from "vitest";
import {
  makeAffiliationsGet,
  makeItems,
  makePublish,
  makeRetract,
  makeSubscribe,
  makeSubscriptionOptions,
  makeSubscriptionsGet,
  makeUnsubscribe,
  parseAffiliations,
  parseItemIds,
  parseItemsResult,
  parsePublishedId,
  parseSubscription,
  parseSubscriptionOptions,
  parseSubscriptions,
} from "../../../../shared/xmpp/pubsub";
import { parseXml } from "../../../helpers/stanza";

const PS = "http://jabber.org/protocol/pubsub";
const iq = (type: string, inner: string, ns = PS) =>
  `<iq type="${type}" to="hub.x"><pubsub xmlns="${ns}">${inner}</pubsub></iq>`;
const submit = (formType: string, fields: string) =>
  `<x xmlns="jabber:x:data" type="submit"><field var="FORM_TYPE" type="hidden"><value>${formType}</value></field>${fields}</x>`;
const entry = parseXml("<entry xmlns='urn:t'>hi</entry>");

describe("PubSub requests", () => {
  it("publishes an item with or without id, payload and publish-options", () => {
    expect(makePublish("hub.x", "n", entry, { id: "i1" }).toString()).toBe(
      iq("set", `<publish node="n"><item id="i1"><entry xmlns="urn:t">hi</entry></item></publish>`),
    );
    expect(makePublish("hub.x", "n").toString()).toBe(iq("set", `<publish node="n"><item/></publish>`));
    const options = { "pubsub#access_model": "open", "pubsub#x": ["a", "b"] };
    expect(makePublish("hub.x", "n", entry, { publishOptions: options }).toString()).toBe(
      iq(
        "set",
        `<publish node="n"><item><entry xmlns="urn:t">hi</entry></item></publish><publish-options>${submit(
          "http://jabber.org/protocol/pubsub#publish-options",
          `<field var="pubsub#access_model"><value>open</value></field><field var="pubsub#x"><value>a</value><value>b</value></field>`,
        )}</publish-options>`,
      ),
    );
  });

  it("retracts items, with notify when asked", () => {
    expect(makeRetract("hub.x", "n", ["a", "b"]).toString()).toBe(
      iq("set", `<retract node="n"><item id="a"/><item id="b"/></retract>`),
    );
    expect(makeRetract("hub.x", "n", ["a"], true).toString()).toBe(
      iq("set", `<retract node="n" notify="true"><item id="a"/></retract>`),
    );
  });

  it("subscribes (and configures), unsubscribes, reads and submits options", () => {
    expect(makeSubscribe("hub.x", "n", "a@x").toString()).toBe(iq("set", `<subscribe node="n" jid="a@x"/>`));
    const opts = submit(
      "http://jabber.org/protocol/pubsub#subscribe_options",
      `<field var="pubsub#deliver"><value>0</value></field>`,
    );
    expect(makeSubscribe("hub.x", "n", "a@x", { "pubsub#deliver": "0" }).toString()).toBe(
      iq("set", `<subscribe node="n" jid="a@x"/><options>${opts}</options>`),
    );
    expect(makeUnsubscribe("hub.x", "n", "a@x").toString()).toBe(
      iq("set", `<unsubscribe node="n" jid="a@x"/>`),
    );
    expect(makeUnsubscribe("hub.x", "n", "a@x", "s1").toString()).toBe(
      iq("set", `<unsubscribe node="n" jid="a@x" subid="s1"/>`),
    );
    expect(makeSubscriptionOptions("hub.x", "n", "a@x").toString()).toBe(
      iq("get", `<options node="n" jid="a@x"/>`),
    );
    expect(makeSubscriptionOptions("hub.x", "n", "a@x", { "pubsub#deliver": "0" }).toString()).toBe(
      iq("set", `<options node="n" jid="a@x">${opts}</options>`),
    );
  });

  it("asks for all, the newest, some by id, or a page of items", () => {
    expect(makeItems("hub.x", "n").toString()).toBe(iq("get", `<items node="n"/>`));
    expect(makeItems("hub.x", "n", { maxItems: 1 }).toString()).toBe(
      iq("get", `<items node="n" max_items="1"/>`),
    );
    expect(makeItems("hub.x", "n", { ids: ["a", "b"] }).toString()).toBe(
      iq("get", `<items node="n"><item id="a"/><item id="b"/></items>`),
    );
    const rsm = `<set xmlns="http://jabber.org/protocol/rsm">`;
    expect(makeItems("hub.x", "n", { page: { max: 50, after: "3.ab-9" } }).toString()).toBe(
      iq("get", `<items node="n"/>${rsm}<max>50</max><after>3.ab-9</after></set>`),
    );
    expect(makeItems("hub.x", "n", { page: { max: 2, before: "" } }).toString()).toBe(
      iq("get", `<items node="n"/>${rsm}<max>2</max><before/></set>`),
    );
    expect(makeItems("hub.x", "n", { page: { before: "z" } }).toString()).toBe(
      iq("get", `<items node="n"/>${rsm}<before>z</before></set>`),
    );
  });

  it("asks for the requester's own subscriptions and affiliations", () => {
    expect(makeSubscriptionsGet("hub.x").toString()).toBe(iq("get", "<subscriptions/>"));
    expect(makeSubscriptionsGet("hub.x", "n").toString()).toBe(iq("get", `<subscriptions node="n"/>`));
    expect(makeAffiliationsGet("hub.x").toString()).toBe(iq("get", "<affiliations/>"));
  });
});

describe("PubSub replies", () => {
  it("reads items with their result set", () => {
    const answer = parseXml(
      `<iq type='result'><pubsub xmlns='${PS}'><items node='n'><item id='a'/><item id='b'/></items><set xmlns='http://jabber.org/protocol/rsm'><first index='0'>a</first><last>b</last><count>9</count></set></pubsub></iq>`,
    );
    const result = parseItemsResult(answer);
    expect({ ...result, items: result.items.map((i) => i.toString()) }).toEqual({
      node: "n",
      items: [`<item id="a"/>`, `<item id="b"/>`],
      first: "a",
      last: "b",
      count: 9,
    });
    expect(parseItemIds(answer)).toEqual(["a", "b"]);
    expect(parseItemsResult(parseXml("<iq type='result'/>"))).toEqual({ items: [] });
  });

  it("reads the published id and the subscription of a subscribe result", () => {
    const published = parseXml(
      `<iq type='result'><pubsub xmlns='${PS}'><publish node='n'><item id='gen-1'/></publish></pubsub></iq>`,
    );
    expect(parsePublishedId(published)).toBe("gen-1");
    expect(parsePublishedId(parseXml("<iq type='result'/>"))).toBeUndefined();
    const subscribed = parseXml(
      `<iq type='result'><pubsub xmlns='${PS}'><subscription node='n' jid='a@x' subscription='subscribed' subid='s1'/></pubsub></iq>`,
    );
    expect(parseSubscription(subscribed)).toEqual({
      node: "n",
      jid: "a@x",
      subscription: "subscribed",
      subid: "s1",
    });
    expect(parseSubscription(parseXml("<iq type='result'/>"))).toBeUndefined();
  });

  it("reads subscription and affiliation lists of either namespace", () => {
    const own = parseXml(
      `<iq type='result'><pubsub xmlns='${PS}'><subscriptions><subscription node='n1' jid='a@x' subscription='subscribed'/></subscriptions><affiliations><affiliation node='n1' affiliation='owner'/></affiliations></pubsub></iq>`,
    );
    expect(parseSubscriptions(own)).toEqual([{ node: "n1", jid: "a@x", subscription: "subscribed" }]);
    expect(parseAffiliations(own)).toEqual([{ node: "n1", affiliation: "owner" }]);
    const OWNER = `${PS}#owner`;
    const node = parseXml(
      `<iq type='result'><pubsub xmlns='${OWNER}'><subscriptions node='n'><subscription jid='b@x' subscription='pending'/></subscriptions><affiliations node='n'><affiliation jid='b@x' affiliation='member'/></affiliations></pubsub></iq>`,
    );
    expect(parseSubscriptions(node, OWNER)).toEqual([{ node: "n", jid: "b@x", subscription: "pending" }]);
    expect(parseAffiliations(node, OWNER)).toEqual([{ node: "n", jid: "b@x", affiliation: "member" }]);
  });

  it("reads the subscription options form", () => {
    const answer = parseXml(
      `<iq type='result'><pubsub xmlns='${PS}'><options node='n' jid='a@x'><x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>${PS}#subscribe_options</value></field><field var='pubsub#deliver' type='boolean'><value>1</value></field></x></options></pubsub></iq>`,
    );
    const form = parseSubscriptionOptions(answer);
    expect(form?.formType).toBe(`${PS}#subscribe_options`);
    expect([...(form?.fields ?? [])]).toEqual([["pubsub#deliver", ["1"]]]);
  });
});
