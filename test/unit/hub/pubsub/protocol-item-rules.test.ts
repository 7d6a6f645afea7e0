/* Who may change an item, and what a node's pubsub#type admits.
 * References: XEP-0060 §7.1.3.5 (bad payload: bad-request + invalid-payload), §7.2.3.1 (retract:
 * forbidden), §4.1 Table 4 (retract own / any item). */
import { describe, expect, it } from "vitest";
import { canon } from "../../../helpers/stanza";
import { ERR, harness, PS, PSO, ST } from "./harness";

const ALICE = "alice@example.org/laptop";
const BOB = "bob@example.org/phone";
const CAROL = "carol@example.org/desk";
const DAVE = "dave@example.org/x";

const x = (fields: Record<string, string>) =>
  `<x xmlns='jabber:x:data' type='submit'>${Object.entries(fields)
    .map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`)
    .join("")}</x>`;
const form = (fields: Record<string, string>) => `<configure>${x(fields)}</configure>`;
const publish = (id: string, payload: string) =>
  `<pubsub xmlns='${PS}'><publish node='n'><item id='${id}'>${payload}</item></publish></pubsub>`;
const retract = (id: string) =>
  `<pubsub xmlns='${PS}'><retract node='n'><item id='${id}'/></retract></pubsub>`;
const entry = (text: string, ns = "urn:test") => `<entry xmlns='${ns}'>${text}</entry>`;
const FORBIDDEN = canon(`<error type='auth'><forbidden xmlns='${ST}'/></error>`);

async function payloadOf(h: ReturnType<typeof harness>, id: string): Promise<string> {
  const r = await h.get(ALICE, `<pubsub xmlns='${PS}'><items node='n'><item id='${id}'/></items></pubsub>`);
  return canon(r?.getChild("items")?.getChild("item")?.getChildElements()[0]);
}

describe("pubsub item rules", () => {
  it("refuses a payload outside the node's pubsub#type with bad-request and invalid-payload", async () => {
    const h = harness();
    const created = await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><create node='n'/>${form({ "pubsub#type": "urn:test" })}</pubsub>`,
    );
    expect(created).toBeUndefined();
    expect(canon(await h.set(ALICE, publish("a", entry("x", "urn:other"))))).toBe(
      canon(`<error type='modify'><bad-request xmlns='${ST}'/><invalid-payload xmlns='${ERR}'/></error>`),
    );
    expect((await h.set(ALICE, publish("a", entry("x"))))?.name).toBe("pubsub");
    // A type set later by configuration applies to the next publish.
    const configured = await h.set(
      ALICE,
      `<pubsub xmlns='${PSO}'><configure node='n'>${x({ "pubsub#type": "urn:later" })}</configure></pubsub>`,
    );
    expect(configured).toBeUndefined();
    expect((await h.set(ALICE, publish("b", entry("y"))))?.getChild("invalid-payload", ERR)).toBeDefined();
    expect((await h.set(ALICE, publish("b", entry("y", "urn:later"))))?.name).toBe("pubsub");
  });

  it("lets a publisher without retract-any replace only its own items, as for retracting", async () => {
    const h = harness();
    await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/></pubsub>`);
    const affs = `<affiliation jid='bob@example.org' affiliation='publish-only'/>
      <affiliation jid='carol@example.org' affiliation='publish-only'/>`;
    expect(
      await h.set(ALICE, `<pubsub xmlns='${PSO}'><affiliations node='n'>${affs}</affiliations></pubsub>`),
    ).toBeUndefined();
    expect((await h.set(BOB, publish("x", entry("bob"))))?.name).toBe("pubsub");
    expect(canon(await h.set(CAROL, publish("x", entry("carol"))))).toBe(FORBIDDEN);
    expect(canon(await h.set(CAROL, retract("x")))).toBe(FORBIDDEN);
    expect(await payloadOf(h, "x")).toBe(canon(entry("bob")));
    // Its publisher may change it, from another resource too; the owner may change anyone's.
    expect((await h.set("bob@example.org/tablet", publish("x", entry("bob 2"))))?.name).toBe("pubsub");
    expect(await payloadOf(h, "x")).toBe(canon(entry("bob 2")));
    expect((await h.set(ALICE, publish("x", entry("alice"))))?.name).toBe("pubsub");
    expect(canon(await h.set(BOB, retract("x")))).toBe(FORBIDDEN);
    expect(await h.set(ALICE, retract("x"))).toBeUndefined();
  });

  it("lets anyone publishing to an open node retract its own items and no one else's", async () => {
    const h = harness();
    await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><create node='n'/>${form({ "pubsub#publish_model": "open" })}</pubsub>`,
    );
    expect((await h.set(DAVE, publish("d", entry("dave"))))?.name).toBe("pubsub");
    expect((await h.set(CAROL, publish("c", entry("carol"))))?.name).toBe("pubsub");
    expect(canon(await h.set(DAVE, publish("c", entry("dave"))))).toBe(FORBIDDEN);
    expect(canon(await h.set(DAVE, retract("c")))).toBe(FORBIDDEN);
    expect(await payloadOf(h, "c")).toBe(canon(entry("carol")));
    expect(await h.set(DAVE, retract("d"))).toBeUndefined();
    expect(await payloadOf(h, "d")).toBe("(none)");
  });
});
