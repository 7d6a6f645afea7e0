/* disco#items answers are cut to the reply budget and paged with RSM.
 * References: XEP-0030 §4.1, XEP-0059 §2. */
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { createDisco } from "../../../hub/disco";
import { iqContext, routeIq } from "../../helpers/stanza";

const ITEMS = "http://jabber.org/protocol/disco#items";
const RSM = "http://jabber.org/protocol/rsm";
const BUDGET = 4096;
const name = (i: number) => `${String(i).padStart(3, "0")}${"n".repeat(200)}`;

function disco() {
  const d = createDisco({ maxReplyBytes: BUDGET });
  d.provide({
    rootItems: () =>
      Array.from({ length: 60 }, (_, i) => xml("item", { jid: "hub.example.org", node: name(i) })),
    nodeItems: (_ctx, node) =>
      node === "n"
        ? xml(
            "query",
            { xmlns: ITEMS, node },
            ...Array.from({ length: 60 }, (_, i) => xml("item", { jid: "hub.example.org", name: name(i) })),
          )
        : undefined,
  });
  return d.routes();
}

async function walk(node: string): Promise<string[]> {
  const routes = disco();
  const seen: string[] = [];
  let after = "";
  for (let page = 0; page < 30; page++) {
    const rsm = after ? `<set xmlns='${RSM}'><after>${after}</after></set>` : "";
    const q = `<query xmlns='${ITEMS}'${node ? ` node='${node}'` : ""}>${rsm}</query>`;
    const reply = (await routeIq(routes, iqContext("get", "bob@example.org/x", q))) as Element;
    expect(reply.name).toBe("query");
    expect(Buffer.byteLength(reply.toString())).toBeLessThanOrEqual(BUDGET);
    const items = reply.getChildren("item");
    const set = reply.getChild("set", RSM);
    expect(set?.getChildText("count")).toBe("60");
    if (items.length === 0) break;
    seen.push(...items.map((i) => String(i.attrs.node ?? i.attrs.name)));
    after = set?.getChildText("last") ?? "";
  }
  return seen;
}

describe("disco#items within the reply budget", () => {
  it("pages the hub's node list with RSM until every node was listed once", async () => {
    expect(await walk("")).toEqual(Array.from({ length: 60 }, (_, i) => name(i)));
  });

  it("pages a node's items the same way, and refuses an unknown cursor", async () => {
    expect(await walk("n")).toEqual(Array.from({ length: 60 }, (_, i) => name(i)));
    const q = `<query xmlns='${ITEMS}' node='n'><set xmlns='${RSM}'><after>zz</after></set></query>`;
    const reply = await routeIq(disco(), iqContext("get", "bob@example.org/x", q));
    expect(reply?.name).toBe("error");
    expect(reply?.getChild("item-not-found")).toBeDefined();
  });
});
