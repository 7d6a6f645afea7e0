/* A subscriber of a readings node asks for its payloads in JSON (or EXI4JSON) with the
 * `x-xiot#encoding` subscription option, and gets every notification and items reply so; other
 * subscribers get the items as published, and no other node takes the option.
 * References: XEP-0060 §6.3 (options: form, submit, §6.3.6.2 invalid-options; §6.3.7 subscribe
 * and configure), §7.1.2 (notifications), §6.5 (items), docs/protocol.md ("Readings in JSON"). */
import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { makeReadingsPayload, parseReadingsPayload } from "../../../../shared/exi/payload";
import { goodDocument } from "../../shared/readings/malformed";
import { ERR, EV, harness, PS, PSO, ST, T0 } from "./harness";

const DEVICE = "dev1@example.org/agent";
const BOB = "bob@example.org/phone";
const CAROL = "carol@example.org/laptop";
const NODE = "devices/dev1/readings";
const OPTIONS = "http://jabber.org/protocol/pubsub#subscribe_options";

const options = (values: Record<string, string>) =>
  `<options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>${OPTIONS}</value></field>${Object.entries(
    values,
  )
    .map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`)
    .join("")}</x></options>`;
const subscribe = (jid: string, node = NODE, extra = "") =>
  `<pubsub xmlns='${PS}'><subscribe node='${node}' jid='${jid}'/>${extra}</pubsub>`;
const publish = (id: string, payload: string) =>
  `<pubsub xmlns='${PS}'><publish node='${NODE}'><item id='${id}'>${payload}</item></publish></pubsub>`;

/** The <readings/> of the first item of a notification or items reply. */
const readingsOf = (el: Element | undefined): Element | undefined =>
  el?.getChild("items")?.getChild("item")?.getChild("readings");

async function node() {
  const h = harness();
  await h.set(DEVICE, `<pubsub xmlns='${PS}'><create node='${NODE}'/></pubsub>`);
  const members = ["bob", "carol"].map((u) => `<affiliation jid='${u}@example.org' affiliation='member'/>`);
  await h.set(
    DEVICE,
    `<pubsub xmlns='${PSO}'><affiliations node='${NODE}'>${members.join("")}</affiliations></pubsub>`,
  );
  return h;
}

describe("readings in the encoding a subscriber asks for", () => {
  it("sends a JSON subscriber the document as JSON, others the EXI as published, in notifications and items", async () => {
    const h = await node();
    const sub = await h.set(
      BOB,
      subscribe("bob@example.org/phone", NODE, options({ "x-xiot#encoding": "json" })),
    );
    expect(sub?.getChild("subscription")?.attrs.subscription).toBe("subscribed");
    await h.set(CAROL, subscribe("carol@example.org/laptop"));
    h.sent.length = 0;
    const document = goodDocument("dev1", T0);
    await h.set(DEVICE, publish("b1-5", makeReadingsPayload(document).toString()));
    await h.pubsub.idle();
    const to = (jid: string) => h.sent.find((m) => m.attrs.to === jid)?.getChild("event", EV);
    const json = readingsOf(to(BOB));
    expect(json?.attrs.encoding).toBe("json");
    expect(JSON.parse(json?.getText() ?? "")).toEqual(document);
    expect(readingsOf(to(CAROL))?.attrs.encoding).toBe("exi4json");
    expect(parseReadingsPayload(readingsOf(to(CAROL)) as Element).document).toEqual(document);

    const items = (from: string) => h.get(from, `<pubsub xmlns='${PS}'><items node='${NODE}'/></pubsub>`);
    const bobs = readingsOf(await items(BOB));
    expect(bobs?.attrs.encoding).toBe("json");
    expect(JSON.parse(bobs?.getText() ?? "")).toEqual(document);
    expect(readingsOf(await items(CAROL))?.attrs.encoding).toBe("exi4json");
    // The stored item is as the device published it.
    expect((await h.store.getItem(NODE, "b1-5"))?.payload).toMatch(/encoding=["']exi4json["']/);
  });

  it("offers the option in the options form, takes it by submit, and goes back to as published", async () => {
    const h = await node();
    await h.set(CAROL, subscribe("carol@example.org/laptop"));
    const get = `<pubsub xmlns='${PS}'><options node='${NODE}' jid='carol@example.org/laptop'/></pubsub>`;
    const form = (await h.get(CAROL, get))?.getChild("options")?.getChild("x", "jabber:x:data");
    const field = form?.getChildren("field").find((f) => f.attrs.var === "x-xiot#encoding");
    expect(field?.attrs.type).toBe("list-single");
    expect(field?.getChildText("value")).toBe("published");
    expect(field?.getChildren("option").map((o) => o.getChildText("value"))).toEqual([
      "published",
      "exi4json",
      "json",
    ]);
    const set = (value: string) =>
      h.set(
        CAROL,
        `<pubsub xmlns='${PS}'><options node='${NODE}' jid='carol@example.org/laptop'>${options({
          "x-xiot#encoding": value,
        }).slice("<options>".length, -"</options>".length)}</options></pubsub>`,
      );
    expect(await set("json")).toBeUndefined();
    const document = goodDocument("dev1", T0);
    await h.set(DEVICE, publish("b1-5", makeReadingsPayload(document).toString()));
    const items = () => h.get(CAROL, `<pubsub xmlns='${PS}'><items node='${NODE}'/></pubsub>`);
    expect(readingsOf(await items())?.attrs.encoding).toBe("json");
    expect(await set("published")).toBeUndefined();
    expect(readingsOf(await items())?.attrs.encoding).toBe("exi4json");
    // A JSON-published item is rendered in EXI4JSON for whoever asks for that.
    await h.set(DEVICE, publish("b1-6", makeReadingsPayload(goodDocument("dev1", T0, 6), "json").toString()));
    expect(await set("exi4json")).toBeUndefined();
    const newest = readingsOf(await items());
    expect(newest?.attrs.encoding).toBe("exi4json");
    expect(parseReadingsPayload(newest as Element).document).toEqual(goodDocument("dev1", T0, 6));
  });

  it("refuses an unknown encoding, and the option on a node that does not offer it, with invalid-options", async () => {
    const h = await node();
    const refused = async (reply: Promise<Element | undefined>) => {
      const error = await reply;
      expect(error?.attrs.type).toBe("modify");
      expect(error?.getChild("bad-request", ST)).toBeDefined();
      expect(error?.getChild("invalid-options", ERR)).toBeDefined();
    };
    await refused(
      h.set(BOB, subscribe("bob@example.org/phone", NODE, options({ "x-xiot#encoding": "xml" }))),
    );
    const state = "devices/dev1/state";
    await h.set(DEVICE, `<pubsub xmlns='${PS}'><create node='${state}'/></pubsub>`);
    await refused(
      h.set(BOB, subscribe("bob@example.org/phone", state, options({ "x-xiot#encoding": "json" }))),
    );
    expect(await h.store.getSubscription(NODE, BOB)).toBeUndefined();
  });
});
