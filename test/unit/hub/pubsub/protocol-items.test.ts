import { describe, expect, it } from "vitest";
import { canon } from "../../../helpers/stanza";
import { ERR, EV, harness, PS, ST, T0 } from "./harness";

const ALICE = "alice@example.org/laptop";
const BOB = "bob@example.org/phone";
const ENTRY = "<entry xmlns='urn:test'>hello &amp; welcome</entry>";

async function withNode(limits = {}) {
  const h = harness(limits);
  expect(await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/></pubsub>`)).toBeUndefined();
  return h;
}

describe("pubsub protocol: publish, retract, items", () => {
  it("publishes with an id and notifies subscribers with payload and item id", async () => {
    const h = await withNode();
    const sub = await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    expect(canon(sub)).toBe(
      canon(
        `<pubsub xmlns='${PS}'><subscription node='n' jid='${BOB}' subid='id1' subscription='subscribed'/></pubsub>`,
      ),
    );
    const reply = await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><publish node='n'><item id='a'>${ENTRY}</item></publish></pubsub>`,
    );
    expect(canon(reply)).toBe(
      canon(`<pubsub xmlns='${PS}'><publish node='n'><item id='a'/></publish></pubsub>`),
    );
    expect(h.sent.map(canon)).toEqual([
      canon(
        `<message from='hub.example.org' to='${BOB}' type='headline' id='id2'>
           <event xmlns='${EV}'><items node='n'><item id='a'>${ENTRY}</item></items></event>
         </message>`,
      ),
    ]);
  });

  it("publishes without an id and returns the generated one", async () => {
    const h = await withNode();
    const reply = await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><publish node='n'><item>${ENTRY}</item></publish></pubsub>`,
    );
    expect(canon(reply)).toBe(
      canon(`<pubsub xmlns='${PS}'><publish node='n'><item id='id1'/></publish></pubsub>`),
    );
  });

  it("refuses a payload above the limit with payload-too-big and does not echo it", async () => {
    const h = await withNode({ maxPayloadBytes: 64 });
    const big = `<entry xmlns='urn:test'>${"x".repeat(100)}</entry>`;
    const reply = await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><publish node='n'><item id='a'>${big}</item></publish></pubsub>`,
    );
    expect(canon(reply)).toBe(
      canon(`<error type='modify'><not-acceptable xmlns='${ST}'/><payload-too-big xmlns='${ERR}'/></error>`),
    );
    expect(reply?.toString()).not.toContain("xxxx");
  });

  it("gives the spec's errors for malformed publishes", async () => {
    const h = await withNode();
    const err = (cond: string, app: string, type = "modify") =>
      canon(`<error type='${type}'><${cond} xmlns='${ST}'/><${app} xmlns='${ERR}'/></error>`);
    expect(canon(await h.set(ALICE, `<pubsub xmlns='${PS}'><publish node='n'/></pubsub>`))).toBe(
      err("bad-request", "item-required"),
    );
    expect(
      canon(
        await h.set(
          ALICE,
          `<pubsub xmlns='${PS}'><publish node='n'><item><a xmlns='x'/><b xmlns='x'/></item></publish></pubsub>`,
        ),
      ),
    ).toBe(err("bad-request", "invalid-payload"));
    expect(
      canon(await h.set(ALICE, `<pubsub xmlns='${PS}'><publish><item>${ENTRY}</item></publish></pubsub>`)),
    ).toBe(err("bad-request", "nodeid-required"));
    expect(
      canon(
        await h.set(BOB, `<pubsub xmlns='${PS}'><publish node='n'><item>${ENTRY}</item></publish></pubsub>`),
      ),
    ).toBe(canon(`<error type='auth'><forbidden xmlns='${ST}'/></error>`));
    expect(
      canon(
        await h.set(
          ALICE,
          `<pubsub xmlns='${PS}'><publish node='zz'><item>${ENTRY}</item></publish></pubsub>`,
        ),
      ),
    ).toBe(canon(`<error type='cancel'><item-not-found xmlns='${ST}'/></error>`));
  });

  it("checks publish-options preconditions", async () => {
    const h = await withNode();
    const opts = (model: string) =>
      `<publish-options><x xmlns='jabber:x:data' type='submit'>
         <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
         <field var='pubsub#access_model'><value>${model}</value></field></x></publish-options>`;
    const pub = (model: string) =>
      h.set(
        ALICE,
        `<pubsub xmlns='${PS}'><publish node='n'><item id='p'>${ENTRY}</item></publish>${opts(model)}</pubsub>`,
      );
    expect(canon(await pub("open"))).toBe(
      canon(`<pubsub xmlns='${PS}'><publish node='n'><item id='p'/></publish></pubsub>`),
    );
    expect(canon(await pub("whitelist"))).toBe(
      canon(`<error type='cancel'><conflict xmlns='${ST}'/><precondition-not-met xmlns='${ERR}'/></error>`),
    );
  });

  it("asks for a wait when the publish rate is exceeded", async () => {
    const h = await withNode({ publishRate: 1, publishBurst: 1 });
    await h.set(ALICE, `<pubsub xmlns='${PS}'><publish node='n'><item>${ENTRY}</item></publish></pubsub>`);
    const reply = await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><publish node='n'><item>${ENTRY}</item></publish></pubsub>`,
    );
    expect(canon(reply)).toBe(canon(`<error type='wait'><policy-violation xmlns='${ST}'/></error>`));
  });

  it("retracts with notification", async () => {
    const h = await withNode();
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='bob@example.org'/></pubsub>`);
    await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><publish node='n'><item id='a'>${ENTRY}</item></publish></pubsub>`,
    );
    h.sent.length = 0;
    expect(
      await h.set(
        ALICE,
        `<pubsub xmlns='${PS}'><retract node='n' notify='true'><item id='a'/></retract></pubsub>`,
      ),
    ).toBeUndefined();
    expect(h.sent.map(canon)).toEqual([
      canon(
        `<message from='hub.example.org' to='bob@example.org' type='headline' id='id3'>
           <event xmlns='${EV}'><items node='n'><retract id='a'/></items></event></message>`,
      ),
    ]);
    expect(
      canon(await h.set(ALICE, `<pubsub xmlns='${PS}'><retract node='n'><item id='a'/></retract></pubsub>`)),
    ).toBe(canon(`<error type='cancel'><item-not-found xmlns='${ST}'/></error>`));
  });

  it("retrieves items newest first, by id and with max_items", async () => {
    const h = await withNode();
    for (const id of ["1", "2", "3"]) {
      await h.set(
        ALICE,
        `<pubsub xmlns='${PS}'><publish node='n'><item id='${id}'>${ENTRY}</item></publish></pubsub>`,
      );
    }
    expect(canon(await h.get(BOB, `<pubsub xmlns='${PS}'><items node='n' max_items='2'/></pubsub>`))).toBe(
      canon(
        `<pubsub xmlns='${PS}'><items node='n'><item id='3'>${ENTRY}</item><item id='2'>${ENTRY}</item></items></pubsub>`,
      ),
    );
    expect(
      canon(await h.get(BOB, `<pubsub xmlns='${PS}'><items node='n'><item id='1'/></items></pubsub>`)),
    ).toBe(canon(`<pubsub xmlns='${PS}'><items node='n'><item id='1'>${ENTRY}</item></items></pubsub>`));
  });

  it("pages with RSM and caps every reply, saying so with a result set", async () => {
    const h = await withNode({ maxItemsPerPage: 2 });
    for (const id of ["1", "2", "3"]) {
      await h.set(
        ALICE,
        `<pubsub xmlns='${PS}'><publish node='n'><item id='${id}'>${ENTRY}</item></publish></pubsub>`,
      );
    }
    const rsm = "http://jabber.org/protocol/rsm";
    expect(canon(await h.get(BOB, `<pubsub xmlns='${PS}'><items node='n'/></pubsub>`))).toBe(
      canon(
        `<pubsub xmlns='${PS}'><items node='n'><item id='3'>${ENTRY}</item><item id='2'>${ENTRY}</item></items>
         <set xmlns='${rsm}'><first index='0'>3</first><last>2</last><count>3</count></set></pubsub>`,
      ),
    );
    const next = await h.get(
      BOB,
      `<pubsub xmlns='${PS}'><items node='n'/><set xmlns='${rsm}'><max>5</max><after>2</after></set></pubsub>`,
    );
    expect(canon(next)).toBe(
      canon(
        `<pubsub xmlns='${PS}'><items node='n'><item id='1'>${ENTRY}</item></items>
         <set xmlns='${rsm}'><first index='2'>1</first><last>1</last><count>3</count></set></pubsub>`,
      ),
    );
  });

  it("marks the last published item sent on subscription with a delay", async () => {
    const h = harness();
    const form = `<configure><x xmlns='jabber:x:data' type='submit'>
      <field var='pubsub#send_last_published_item'><value>on_sub</value></field></x></configure>`;
    expect(await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/>${form}</pubsub>`)).toBeUndefined();
    await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><publish node='n'><item id='a'>${ENTRY}</item></publish></pubsub>`,
    );
    h.advance(60_000);
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    expect(h.sent.map(canon)).toEqual([
      canon(
        `<message from='hub.example.org' to='${BOB}' type='headline' id='id2'>
           <event xmlns='${EV}'><items node='n'><item id='a'>${ENTRY}</item></items></event>
           <delay xmlns='urn:xmpp:delay' from='hub.example.org' stamp='${new Date(T0).toISOString()}'/></message>`,
      ),
    ]);
  });
});
