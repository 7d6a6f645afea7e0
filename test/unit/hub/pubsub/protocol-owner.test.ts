import { describe, expect, it } from "vitest";
import { PUBSUB_DISCO } from "../../../../hub/pubsub/disco";
import { canon } from "../../../helpers/stanza";
import { ERR, EV, harness, PS, PSO, ST } from "./harness";

const ALICE = "alice@example.org/laptop";
const BOB = "bob@example.org/phone";
const X = "jabber:x:data";
const submit = (fields: string) => `<x xmlns='${X}' type='submit'>${fields}</x>`;
const field = (name: string, value: string) => `<field var='${name}'><value>${value}</value></field>`;

describe("pubsub protocol: create, configure, delete, owner management", () => {
  it("creates instant nodes and returns their name", async () => {
    const h = harness();
    expect(canon(await h.set(ALICE, `<pubsub xmlns='${PS}'><create/></pubsub>`))).toBe(
      canon(`<pubsub xmlns='${PS}'><create node='instant-id1'/></pubsub>`),
    );
  });

  it("creates with configuration; refuses bad values and roster access", async () => {
    const h = harness();
    const create = (fields: string) =>
      h.set(
        ALICE,
        `<pubsub xmlns='${PS}'><create node='n'/><configure>${submit(fields)}</configure></pubsub>`,
      );
    expect(canon(await create(field("pubsub#max_items", "many")))).toBe(
      canon(`<error type='modify'><not-acceptable xmlns='${ST}'/></error>`),
    );
    expect(canon(await create(field("pubsub#access_model", "roster")))).toBe(
      canon(
        `<error type='cancel'><feature-not-implemented xmlns='${ST}'/><unsupported xmlns='${ERR}' feature='access-roster'/></error>`,
      ),
    );
    expect(await create(field("pubsub#max_items", "max") + field("pubsub#title", "T"))).toBeUndefined();
    expect(canon(await create(""))).toBe(canon(`<error type='cancel'><conflict xmlns='${ST}'/></error>`));
    expect(
      canon(await h.set(BOB, `<pubsub xmlns='${PS}'><create node='devices/dev9/readings'/></pubsub>`)),
    ).toBe(canon(`<error type='auth'><forbidden xmlns='${ST}'/></error>`));
  });

  it("creates leaf nodes only: a collection names the missing feature", async () => {
    const h = harness();
    const create = (node: string, type: string) =>
      h.set(
        ALICE,
        `<pubsub xmlns='${PS}'><create node='${node}'/><configure>${submit(field("pubsub#node_type", type))}</configure></pubsub>`,
      );
    expect(canon(await create("c", "collection"))).toBe(
      canon(
        `<error type='cancel'><feature-not-implemented xmlns='${ST}'/><unsupported xmlns='${ERR}' feature='collections'/></error>`,
      ),
    );
    expect(await h.store.getNode("c")).toBeUndefined();
    expect(await create("l", "leaf")).toBeUndefined();
    expect(canon(await create("w", "tree"))).toBe(
      canon(`<error type='modify'><not-acceptable xmlns='${ST}'/></error>`),
    );
  });

  it("returns the configuration form to owners and applies a submitted one", async () => {
    const h = harness();
    await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/></pubsub>`);
    const form = await h.get(ALICE, `<pubsub xmlns='${PSO}'><configure node='n'/></pubsub>`);
    const x = form?.getChild("configure")?.getChild("x", X);
    expect(x?.attrs.type).toBe("form");
    const value = (name: string) => x?.getChildByAttr("var", name)?.getChildText("value");
    expect([value("FORM_TYPE"), value("pubsub#access_model"), value("pubsub#max_items")]).toEqual([
      "http://jabber.org/protocol/pubsub#node_config",
      "open",
      "100",
    ]);
    expect(
      await h.set(
        ALICE,
        `<pubsub xmlns='${PSO}'><configure node='n'>${submit(field("pubsub#max_items", "7"))}</configure></pubsub>`,
      ),
    ).toBeUndefined();
    expect((await h.store.getNode("n"))?.config.maxItems).toBe(7);
    expect(
      canon(
        await h.set(BOB, `<pubsub xmlns='${PSO}'><configure node='n'>${submit("")}</configure></pubsub>`),
      ),
    ).toBe(canon(`<error type='auth'><forbidden xmlns='${ST}'/></error>`));
    expect(
      canon(
        await h.set(
          ALICE,
          `<pubsub xmlns='${PSO}'><configure node='n'>${submit(field("pubsub#bogus", "1"))}</configure></pubsub>`,
        ),
      ),
    ).toBe(canon(`<error type='modify'><not-acceptable xmlns='${ST}'/></error>`));
    expect(canon(await h.get(ALICE, `<pubsub xmlns='${PSO}'><configure/></pubsub>`))).toBe(
      canon(`<error type='modify'><bad-request xmlns='${ST}'/><nodeid-required xmlns='${ERR}'/></error>`),
    );
  });

  it("deletes a node and notifies subscribers with the redirect", async () => {
    const h = harness();
    await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/></pubsub>`);
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    const uri = "xmpp:hub.example.org?;node=m";
    expect(
      await h.set(
        ALICE,
        `<pubsub xmlns='${PSO}'><delete node='n'><redirect uri='${uri}'/></delete></pubsub>`,
      ),
    ).toBeUndefined();
    expect(h.sent.map(canon)).toEqual([
      canon(
        `<message from='hub.example.org' to='${BOB}' type='headline' id='id2'>
          <event xmlns='${EV}'><delete node='n'><redirect uri='${uri}'/></delete></event></message>`,
      ),
    ]);
  });

  it("lists and modifies affiliations and subscriptions for owners", async () => {
    const h = harness();
    await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/></pubsub>`);
    expect(
      await h.set(
        ALICE,
        `<pubsub xmlns='${PSO}'><affiliations node='n'><affiliation jid='bob@example.org' affiliation='publisher'/></affiliations></pubsub>`,
      ),
    ).toBeUndefined();
    expect(canon(await h.get(ALICE, `<pubsub xmlns='${PSO}'><affiliations node='n'/></pubsub>`))).toBe(
      canon(
        `<pubsub xmlns='${PSO}'><affiliations node='n'><affiliation jid='alice@example.org' affiliation='owner'/>
         <affiliation jid='bob@example.org' affiliation='publisher'/></affiliations></pubsub>`,
      ),
    );
    expect(
      await h.set(
        ALICE,
        `<pubsub xmlns='${PSO}'><subscriptions node='n'><subscription jid='${BOB}' subscription='subscribed'/></subscriptions></pubsub>`,
      ),
    ).toBeUndefined();
    expect(canon(await h.get(ALICE, `<pubsub xmlns='${PSO}'><subscriptions node='n'/></pubsub>`))).toBe(
      canon(
        `<pubsub xmlns='${PSO}'><subscriptions node='n'><subscription jid='${BOB}' subscription='subscribed' subid='id1'/></subscriptions></pubsub>`,
      ),
    );
    expect(canon(await h.get(BOB, `<pubsub xmlns='${PS}'><affiliations/></pubsub>`))).toBe(
      canon(
        `<pubsub xmlns='${PS}'><affiliations><affiliation node='n' affiliation='publisher'/></affiliations></pubsub>`,
      ),
    );
  });

  it("answers unimplemented actions with feature-not-implemented and the feature", async () => {
    const h = harness();
    expect(canon(await h.get(ALICE, `<pubsub xmlns='${PS}'><default/></pubsub>`))).toBe(
      canon(
        `<error type='cancel'><feature-not-implemented xmlns='${ST}'/><unsupported xmlns='${ERR}' feature='retrieve-default-sub'/></error>`,
      ),
    );
    expect(canon(await h.get(ALICE, `<pubsub xmlns='${PS}'><publish node='n'/></pubsub>`))).toBe(
      canon(`<error type='modify'><bad-request xmlns='${ST}'/></error>`),
    );
  });

  it("advertises the pubsub service identity and only pubsub# features it implements", () => {
    expect(PUBSUB_DISCO.identities).toEqual([{ category: "pubsub", type: "service" }]);
    expect(PUBSUB_DISCO.features).toContain("http://jabber.org/protocol/pubsub#publish");
    expect(PUBSUB_DISCO.features).not.toContain("http://jabber.org/protocol/pubsub#access-presence");
    expect(PUBSUB_DISCO.features).not.toContain("http://jabber.org/protocol/pubsub#collections");
  });
});
