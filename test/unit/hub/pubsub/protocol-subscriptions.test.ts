import { describe, expect, it } from "vitest";
import { canon, parseXml } from "../../../helpers/stanza";
import { ERR, EV, harness, PS, ST } from "./harness";

const ALICE = "alice@example.org/laptop";
const BOB = "bob@example.org/phone";
const X = "jabber:x:data";
const OPTIONS = "http://jabber.org/protocol/pubsub#subscribe_options";
const AUTH = "http://jabber.org/protocol/pubsub#subscribe_authorization";

async function withNode(config = "") {
  const h = harness();
  const configure = config && `<configure><x xmlns='${X}' type='submit'>${config}</x></configure>`;
  expect(await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/>${configure}</pubsub>`)).toBeUndefined();
  return h;
}

describe("pubsub protocol: subscriptions", () => {
  it("refuses to subscribe another entity's JID", async () => {
    const h = await withNode();
    expect(
      canon(await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='carol@example.org'/></pubsub>`)),
    ).toBe(canon(`<error type='modify'><bad-request xmlns='${ST}'/><invalid-jid xmlns='${ERR}'/></error>`));
  });

  it("gets and sets subscription options", async () => {
    const h = await withNode();
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    expect(canon(await h.get(BOB, `<pubsub xmlns='${PS}'><options node='n' jid='${BOB}'/></pubsub>`))).toBe(
      canon(
        `<pubsub xmlns='${PS}'><options node='n' jid='${BOB}'><x xmlns='${X}' type='form'>
           <field var='FORM_TYPE' type='hidden'><value>${OPTIONS}</value></field>
           <field var='pubsub#deliver' type='boolean' label='Enable delivery?'><value>1</value></field>
         </x></options></pubsub>`,
      ),
    );
    const set = `<options node='n' jid='${BOB}'><x xmlns='${X}' type='submit'>
      <field var='FORM_TYPE' type='hidden'><value>${OPTIONS}</value></field>
      <field var='pubsub#deliver'><value>0</value></field></x></options>`;
    expect(await h.set(BOB, `<pubsub xmlns='${PS}'>${set}</pubsub>`)).toBeUndefined();
    await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><publish node='n'><item><e xmlns='urn:t'/></item></publish></pubsub>`,
    );
    expect(h.sent).toEqual([]);
  });

  it("unsubscribes and reports a missing subscription", async () => {
    const h = await withNode();
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    expect(
      await h.set(BOB, `<pubsub xmlns='${PS}'><unsubscribe node='n' jid='${BOB}'/></pubsub>`),
    ).toBeUndefined();
    expect(
      canon(await h.set(BOB, `<pubsub xmlns='${PS}'><unsubscribe node='n' jid='${BOB}'/></pubsub>`)),
    ).toBe(
      canon(
        `<error type='cancel'><unexpected-request xmlns='${ST}'/><not-subscribed xmlns='${ERR}'/></error>`,
      ),
    );
  });

  it("runs the authorize model: pending, form to the owner, approval by message", async () => {
    const h = await withNode("<field var='pubsub#access_model'><value>authorize</value></field>");
    expect(canon(await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`))).toBe(
      canon(
        `<pubsub xmlns='${PS}'><subscription node='n' jid='${BOB}' subid='id1' subscription='pending'/></pubsub>`,
      ),
    );
    expect(canon(h.sent[0])).toBe(
      canon(
        `<message from='hub.example.org' to='alice@example.org' type='normal' id='id2'>
          <x xmlns='${X}' type='form'><title>PubSub subscriber request</title>
            <field var='FORM_TYPE' type='hidden'><value>${AUTH}</value></field>
            <field var='pubsub#subid' type='hidden'><value>id1</value></field>
            <field var='pubsub#node' type='text-single' label='Node ID'><value>n</value></field>
            <field var='pubsub#subscriber_jid' type='jid-single' label='Subscriber Address'><value>${BOB}</value></field>
            <field var='pubsub#allow' type='boolean' label='Allow this JID to subscribe to hub.example.org?'><value>0</value></field>
          </x></message>`,
      ),
    );
    h.sent.length = 0;
    const answer = parseXml(
      `<message from='${ALICE}' to='hub.example.org'><x xmlns='${X}' type='submit'>
        <field var='FORM_TYPE'><value>${AUTH}</value></field><field var='pubsub#node'><value>n</value></field>
        <field var='pubsub#subscriber_jid'><value>${BOB}</value></field><field var='pubsub#allow'><value>true</value></field>
      </x></message>`,
    );
    expect(await h.pubsub.onMessage(answer)).toBe(true);
    expect(h.sent.map(canon)).toEqual([
      canon(
        `<message from='hub.example.org' to='${BOB}' type='headline' id='id3'>
          <event xmlns='${EV}'><subscription node='n' jid='${BOB}' subscription='subscribed' subid='id1'/></event></message>`,
      ),
    ]);
    expect(await h.pubsub.onMessage(parseXml(`<message from='${BOB}'><body>hi</body></message>`))).toBe(
      false,
    );
  });

  it("never drops a subscription for wait or recipient-unavailable bounces, only for permanent ones", async () => {
    const h = await withNode();
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    const bounce = (type: string, cond: string) =>
      parseXml(
        `<message type='error' from='${BOB}' to='hub.example.org'><error type='${type}'><${cond} xmlns='${ST}'/></error></message>`,
      );
    await h.pubsub.onMessageError(bounce("wait", "resource-constraint"));
    await h.pubsub.onMessageError(bounce("cancel", "recipient-unavailable"));
    await h.pubsub.onMessageError(bounce("cancel", "service-unavailable"));
    expect(await h.store.getSubscription("n", BOB)).toBeDefined();
    await h.pubsub.onMessageError(bounce("cancel", "remote-server-not-found"));
    expect(await h.store.getSubscription("n", BOB)).toBeUndefined();
  });
});

describe("pubsub protocol: node-level disco", () => {
  it("answers disco#info on a node with meta-data", async () => {
    const h = await withNode("<field var='pubsub#title'><value>Temps</value></field>");
    const info = await h.pubsub.nodeInfo(BOB, "n");
    expect(info.getChild("identity")?.attrs).toEqual({ category: "pubsub", type: "leaf", name: "Temps" });
    const form = info.getChild("x", X);
    const value = (name: string) => form?.getChildByAttr("var", name)?.getChildText("value");
    expect([value("FORM_TYPE"), value("pubsub#owner"), value("pubsub#access_model")]).toEqual([
      "http://jabber.org/protocol/pubsub#meta-data",
      "alice@example.org",
      "open",
    ]);
    expect(canon(await h.pubsub.nodeInfo(BOB, "missing"))).toBe(
      canon(`<error type='cancel'><item-not-found xmlns='${ST}'/></error>`),
    );
  });

  it("lists a node's items for those allowed to see them, and nodes", async () => {
    const h = await withNode();
    await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><publish node='n'><item id='a'><e xmlns='urn:t'/></item></publish></pubsub>`,
    );
    expect(canon(await h.pubsub.nodeItems(BOB, "n"))).toBe(
      canon(
        `<query xmlns='http://jabber.org/protocol/disco#items' node='n'><item jid='hub.example.org' name='a'/></query>`,
      ),
    );
    await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><create node='w'/><configure><x xmlns='${X}' type='submit'>
      <field var='pubsub#access_model'><value>whitelist</value></field></x></configure></pubsub>`,
    );
    expect(canon(await h.pubsub.nodeItems(BOB, "w"))).toBe(
      canon(`<error type='cancel'><not-allowed xmlns='${ST}'/><closed-node xmlns='${ERR}'/></error>`),
    );
    expect((await h.pubsub.rootItems(BOB)).map(canon)).toEqual([
      canon(`<item jid='hub.example.org' node='n'/>`),
    ]);
  });
});
