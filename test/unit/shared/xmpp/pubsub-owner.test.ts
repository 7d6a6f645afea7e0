import { describe, expect, it } from "vitest";
import {
  makeConfigure,
  makeCreate,
  makeDelete,
  makeNodeAffiliations,
  makeNodeSubscriptions,
  makePurge,
  parseCreatedNode,
  parseNodeConfig,
} from "../../../../shared/xmpp/pubsub-owner";
import { parseXml } from "../../../helpers/stanza";

const PS = "http://jabber.org/protocol/pubsub";
const OWNER = `${PS}#owner`;
const iq = (type: string, inner: string, ns = PS) =>
  `<iq type="${type}" to="hub.x"><pubsub xmlns="${ns}">${inner}</pubsub></iq>`;
const config = (fields: string) =>
  `<x xmlns="jabber:x:data" type="submit"><field var="FORM_TYPE" type="hidden"><value>${PS}#node_config</value></field>${fields}</x>`;

describe("PubSub owner requests", () => {
  it("creates a node, an instant node, or a configured node", () => {
    expect(makeCreate("hub.x", "n").toString()).toBe(iq("set", `<create node="n"/>`));
    expect(makeCreate("hub.x").toString()).toBe(iq("set", "<create/>"));
    // Prosody 0.12 refuses an empty <configure/>: no fields, no form.
    expect(makeCreate("hub.x", "n", {}).toString()).toBe(iq("set", `<create node="n"/>`));
    expect(
      makeCreate("hub.x", "n", { "pubsub#access_model": "open", "pubsub#persist_items": "0" }).toString(),
    ).toBe(
      iq(
        "set",
        `<create node="n"/><configure>${config(
          `<field var="pubsub#access_model"><value>open</value></field><field var="pubsub#persist_items"><value>0</value></field>`,
        )}</configure>`,
      ),
    );
  });

  it("reads and submits the configuration, deletes and purges", () => {
    expect(makeConfigure("hub.x", "n").toString()).toBe(iq("get", `<configure node="n"/>`, OWNER));
    expect(makeConfigure("hub.x", "n", { "pubsub#title": "T" }).toString()).toBe(
      iq(
        "set",
        `<configure node="n">${config(`<field var="pubsub#title"><value>T</value></field>`)}</configure>`,
        OWNER,
      ),
    );
    expect(makeDelete("hub.x", "n").toString()).toBe(iq("set", `<delete node="n"/>`, OWNER));
    expect(makePurge("hub.x", "n").toString()).toBe(iq("set", `<purge node="n"/>`, OWNER));
  });

  it("reads and modifies a node's subscriptions and affiliations", () => {
    expect(makeNodeSubscriptions("hub.x", "n").toString()).toBe(
      iq("get", `<subscriptions node="n"/>`, OWNER),
    );
    expect(makeNodeSubscriptions("hub.x", "n", { "a@x": "subscribed" }).toString()).toBe(
      iq(
        "set",
        `<subscriptions node="n"><subscription jid="a@x" subscription="subscribed"/></subscriptions>`,
        OWNER,
      ),
    );
    expect(makeNodeAffiliations("hub.x", "n").toString()).toBe(iq("get", `<affiliations node="n"/>`, OWNER));
    expect(makeNodeAffiliations("hub.x", "n", { "a@x": "member", "b@x": "outcast" }).toString()).toBe(
      iq(
        "set",
        `<affiliations node="n"><affiliation jid="a@x" affiliation="member"/><affiliation jid="b@x" affiliation="outcast"/></affiliations>`,
        OWNER,
      ),
    );
  });
});

describe("PubSub owner replies", () => {
  it("reads an instant node's name and a configuration form", () => {
    expect(
      parseCreatedNode(parseXml(`<iq type='result'><pubsub xmlns='${PS}'><create node='x1'/></pubsub></iq>`)),
    ).toBe("x1");
    expect(parseCreatedNode(parseXml("<iq type='result'/>"))).toBeUndefined();
    const answer = parseXml(
      `<iq type='result'><pubsub xmlns='${OWNER}'><configure node='n'><x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>${PS}#node_config</value></field><field var='pubsub#persist_items'><value>0</value></field></x></configure></pubsub></iq>`,
    );
    const form = parseNodeConfig(answer);
    expect({ type: form?.type, formType: form?.formType, fields: [...(form?.fields ?? [])] }).toEqual({
      type: "form",
      formType: `${PS}#node_config`,
      fields: [["pubsub#persist_items", ["0"]]],
    });
    expect(parseNodeConfig(parseXml("<iq type='result'/>"))).toBeUndefined();
  });
});
