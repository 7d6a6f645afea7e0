/* Readings nodes take only valid readings documents of their device: every malformed class is
 * refused bad-request + invalid-payload with a text, and nothing is stored or notified.
 * References: XEP-0060 §7.1.3.6 (invalid-payload), docs/design.md §2 (the readings document). */
import { describe, expect, it } from "vitest";
import { makeReadingsPayload } from "../../../../shared/exi/payload";
import { goodDocument, malformedCases } from "../../shared/readings/malformed";
import { ERR, harness, PS, PSO, ST, T0 } from "./harness";

const DEVICE = "dev1@example.org/agent";
const BOB = "bob@example.org/phone";
const NODE = "devices/dev1/readings";

const publish = (id: string, payload: string) =>
  `<pubsub xmlns='${PS}'><publish node='${NODE}'><item id='${id}'>${payload}</item></publish></pubsub>`;

async function readingsNodeWithSubscriber() {
  const h = harness();
  expect(await h.set(DEVICE, `<pubsub xmlns='${PS}'><create node='${NODE}'/></pubsub>`)).toBeUndefined();
  const member = `<affiliation jid='bob@example.org' affiliation='member'/>`;
  await h.set(
    DEVICE,
    `<pubsub xmlns='${PSO}'><affiliations node='${NODE}'>${member}</affiliations></pubsub>`,
  );
  const sub = await h.set(
    BOB,
    `<pubsub xmlns='${PS}'><subscribe node='${NODE}' jid='bob@example.org/phone'/></pubsub>`,
  );
  expect(sub?.getChild("subscription")?.attrs.subscription).toBe("subscribed");
  h.sent.length = 0;
  return h;
}

describe("publishing to a readings node", () => {
  for (const c of malformedCases("dev1", T0)) {
    it(`refuses ${c.name}: invalid-payload with its text, nothing stored or notified`, async () => {
      const h = await readingsNodeWithSubscriber();
      const error = await h.set(DEVICE, publish("b1-5", c.payload.toString()));
      // RFC 6120 §8.3.2: the condition, the text, then the application condition.
      expect(error?.attrs.type).toBe("modify");
      expect(error?.getChildElements().map((e) => `${e.name} ${e.attrs.xmlns}`)).toEqual([
        `bad-request ${ST}`,
        `text ${ST}`,
        `invalid-payload ${ERR}`,
      ]);
      expect(error?.getChildText("text", ST)).toBe(c.text);
      expect(await h.store.getItem(NODE, "b1-5")).toBeUndefined();
      expect(h.sent).toEqual([]);
    });
  }

  it("stores and notifies a valid document, and refuses a non-readings payload", async () => {
    const h = await readingsNodeWithSubscriber();
    const ok = await h.set(DEVICE, publish("b1-5", makeReadingsPayload(goodDocument("dev1", T0)).toString()));
    expect(ok?.getChild("publish")?.getChild("item")?.attrs.id).toBe("b1-5");
    expect(await h.store.getItem(NODE, "b1-5")).toBeDefined();
    expect(h.sent).toHaveLength(1);
    const other = await h.set(DEVICE, publish("b1-6", "<entry xmlns='urn:test'>hi</entry>"));
    expect(other?.getChildText("text", ST)).toBe(
      "not-readings: expected <readings xmlns='urn:xiot:readings:0'>",
    );
  });

  it("leaves the other device nodes free of the readings check", async () => {
    const h = harness();
    const node = "devices/dev1/state";
    await h.set(DEVICE, `<pubsub xmlns='${PS}'><create node='${node}'/></pubsub>`);
    const reply = await h.set(
      DEVICE,
      `<pubsub xmlns='${PS}'><publish node='${node}'><item id='current'><entry xmlns='urn:test'/></item></publish></pubsub>`,
    );
    expect(reply?.name).toBe("pubsub");
  });
});
