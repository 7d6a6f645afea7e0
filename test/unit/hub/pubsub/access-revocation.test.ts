/* Revoked access, through the whole protocol edge: whoever loses access (access model switched,
 * affiliation lowered, registry share ended) loses its subscription, is told so (§8.8.4), and
 * receives no payload afterwards by any path (§4.5, §13.2). */
import { describe, expect, it } from "vitest";
import { createDeviceNodeRules } from "../../../../hub/devices/node-rules";
import { createPubsub } from "../../../../hub/pubsub/index";
import { createMemoryStore } from "../../../../hub/pubsub/storage/memory";
import { DEFAULT_LIMITS } from "../../../../hub/pubsub/types";
import { silentLogger } from "../../../../shared/log";
import { canon, iqContext, routeIq } from "../../../helpers/stanza";
import { ERR, EV, harness, PS, PSO, ST } from "./harness";

const ALICE = "alice@example.org/laptop";
const BOB = "bob@example.org/phone";
const X = "jabber:x:data";
const NODE_CONFIG = "http://jabber.org/protocol/pubsub#node_config";
const field = (name: string, value: string) => `<field var='${name}'><value>${value}</value></field>`;
const configure = (node: string, ...fields: string[]) =>
  `<pubsub xmlns='${PSO}'><configure node='${node}'><x xmlns='${X}' type='submit'>
     <field var='FORM_TYPE' type='hidden'><value>${NODE_CONFIG}</value></field>${fields.join("")}</x></configure></pubsub>`;
const publish = (node: string, id: string) =>
  `<pubsub xmlns='${PS}'><publish node='${node}'><item id='${id}'><e xmlns='urn:t'/></item></publish></pubsub>`;
const none = (node: string, jid: string, id: string) =>
  canon(
    `<message from='hub.example.org' to='${jid}' type='headline' id='${id}'>
       <event xmlns='${EV}'><subscription node='${node}' jid='${jid}' subscription='none'/></event></message>`,
  );
const closedNode = canon(
  `<error type='cancel'><not-allowed xmlns='${ST}'/><closed-node xmlns='${ERR}'/></error>`,
);

async function subscribed(fields: string[] = []) {
  const h = harness();
  const form = fields.length
    ? `<configure><x xmlns='${X}' type='submit'>${fields.join("")}</x></configure>`
    : "";
  expect(await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/>${form}</pubsub>`)).toBeUndefined();
  return h;
}

describe("revoked access", () => {
  it("open → whitelist: the subscriber without an affiliation is unsubscribed, told, and sent nothing more", async () => {
    const h = await subscribed();
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    h.sent.length = 0;
    expect(await h.set(ALICE, configure("n", field("pubsub#access_model", "whitelist")))).toBeUndefined();
    expect(h.sent.map(canon)).toEqual([none("n", BOB, "id2")]);
    expect(await h.store.getSubscription("n", BOB)).toBeUndefined();
    h.sent.length = 0;
    await h.set(ALICE, publish("n", "a"));
    expect(h.sent).toEqual([]);
    expect(canon(await h.get(BOB, `<pubsub xmlns='${PS}'><items node='n'/></pubsub>`))).toBe(closedNode);
  });

  it("open → authorize keeps existing subscribers (they may still be subscribed, as in Prosody)", async () => {
    const h = await subscribed();
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    h.sent.length = 0;
    await h.set(ALICE, configure("n", field("pubsub#access_model", "authorize")));
    expect(h.sent).toEqual([]);
    await h.set(ALICE, publish("n", "a"));
    expect(h.sent.map((m) => m.attrs.to)).toEqual([BOB]);
  });

  it("member → none on a whitelist node: unsubscribed, told, sent nothing more", async () => {
    const h = await subscribed([field("pubsub#access_model", "whitelist")]);
    const affiliate = (a: string) =>
      `<pubsub xmlns='${PSO}'><affiliations node='n'><affiliation jid='bob@example.org' affiliation='${a}'/></affiliations></pubsub>`;
    expect(await h.set(ALICE, affiliate("member"))).toBeUndefined();
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    h.sent.length = 0;
    expect(await h.set(ALICE, affiliate("none"))).toBeUndefined();
    expect(h.sent.map(canon)).toEqual([none("n", BOB, "id2")]);
    h.sent.length = 0;
    await h.set(ALICE, publish("n", "a"));
    expect(h.sent).toEqual([]);
  });

  it("member → publish-only takes the subscription too; member → none on an open node keeps it", async () => {
    const h = await subscribed();
    const affiliate = (a: string) =>
      `<pubsub xmlns='${PSO}'><affiliations node='n'><affiliation jid='bob@example.org' affiliation='${a}'/></affiliations></pubsub>`;
    await h.set(ALICE, affiliate("member"));
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    h.sent.length = 0;
    await h.set(ALICE, affiliate("none"));
    expect(h.sent).toEqual([]);
    expect(await h.store.getSubscription("n", BOB)).toBeDefined();
    await h.set(ALICE, affiliate("publish-only"));
    expect(h.sent.map(canon)).toEqual([none("n", BOB, "id2")]);
  });

  it("an owner cannot subscribe whom the node refuses (stranger to a whitelist, outcast): nothing of the request is stored", async () => {
    const h = await subscribed([field("pubsub#access_model", "whitelist")]);
    const carol = "carol@example.org";
    const subscribe = (...jids: string[]) =>
      `<pubsub xmlns='${PSO}'><subscriptions node='n'>${jids
        .map((j) => `<subscription jid='${j}' subscription='subscribed'/>`)
        .join("")}</subscriptions></pubsub>`;
    const affiliate = (jid: string, a: string) =>
      `<pubsub xmlns='${PSO}'><affiliations node='n'><affiliation jid='${jid}' affiliation='${a}'/></affiliations></pubsub>`;
    expect(await h.set(ALICE, affiliate(carol, "member"))).toBeUndefined();
    h.sent.length = 0;
    // Carol may be subscribed, Bob may not: the whole request is refused and Carol stays out too.
    expect(canon(await h.set(ALICE, subscribe(carol, BOB)))).toBe(closedNode);
    expect(await h.store.getSubscriptions("n")).toEqual([]);
    expect(h.sent).toEqual([]);
    expect(await h.set(ALICE, affiliate(carol, "outcast"))).toBeUndefined();
    expect(canon(await h.set(ALICE, subscribe(carol)))).toBe(
      canon(`<error type='auth'><forbidden xmlns='${ST}'/></error>`),
    );
    expect(await h.store.getSubscriptions("n")).toEqual([]);
    await h.set(ALICE, publish("n", "a"));
    expect(h.sent).toEqual([]);
  });

  it("configuration notifications carry the node_config form when payloads are delivered (§8.2.5.3)", async () => {
    const h = await subscribed([field("pubsub#notify_config", "1")]);
    await h.set(BOB, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${BOB}'/></pubsub>`);
    h.sent.length = 0;
    await h.set(ALICE, configure("n", field("pubsub#title", "Musings")));
    const form = h.sent[0]?.getChild("event", EV)?.getChild("configuration")?.getChild("x", X);
    expect(h.sent).toHaveLength(1);
    expect(form?.attrs.type).toBe("result");
    const title = form?.getChildren("field").find((f) => f.attrs.var === "pubsub#title");
    expect(title?.getChildText("value")).toBe("Musings");
  });
});

describe("the registry's part of the rule", () => {
  it("refuses items, disco and notifications of a device to a member the registry no longer lists", async () => {
    const store = createMemoryStore();
    const sent: string[] = [];
    let readers = new Set(["bob@example.org"]);
    const pubsub = createPubsub({
      store,
      send: async (s) => void sent.push(String(s.attrs.to)),
      clock: { now: () => 0 },
      log: silentLogger(),
      config: {
        domain: "example.org",
        admins: ["hub.example.org"],
        allowLocalUsers: true,
        limits: DEFAULT_LIMITS,
      },
      rules: createDeviceNodeRules({ domain: "example.org" }),
      registry: { readersOf: async (node) => (node.startsWith("devices/d1/") ? readers : undefined) },
    });
    const node = "devices/d1/state";
    const hub = "hub.example.org";
    await pubsub.service.create(hub, node);
    await pubsub.service.modifyAffiliations(hub, node, [{ jid: "bob@example.org", affiliation: "member" }]);
    await pubsub.service.subscribe(BOB, node, BOB);
    const items = () =>
      routeIq(pubsub.routes, iqContext("get", BOB, `<pubsub xmlns='${PS}'><items node='${node}'/></pubsub>`));
    expect((await items())?.name).toBe("pubsub");
    readers = new Set(); // the share ended in the registry; the affiliation still says member
    expect(canon(await items())).toBe(closedNode);
    expect((await pubsub.nodeItems(BOB, node)).name).toBe("error");
    expect((await pubsub.nodeInfo(BOB, node)).name).toBe("error");
    expect(await pubsub.rootItems(BOB)).toEqual([]);
    await pubsub.service.publish("d1@example.org/agent", node, {
      id: "current",
      payload: "<e xmlns='urn:t'/>",
    });
    await pubsub.idle();
    expect(sent).toEqual([]);
  });
});
