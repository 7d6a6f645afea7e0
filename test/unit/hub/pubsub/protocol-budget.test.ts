/* Replies bounded by bytes and XEP-0059 paging on every list the PubSub edge builds: items,
 * subscriptions, affiliations (own and owner's). References: XEP-0060 §6.5.4, XEP-0059 §2. */
import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { canon } from "../../../helpers/stanza";
import { harness, PS, PSO } from "./harness";

const ALICE = "alice@example.org/laptop";
const BOB = "bob@example.org/phone";
const RSM = "http://jabber.org/protocol/rsm";
const LIMITS = { maxPayloadBytes: 4096, maxReplyBytes: 16 * 1024 };
/** A payload of about 3 KB: four fit one reply of 16 KiB with its envelope, twelve do not. */
const big = (n: number) => `<blob xmlns='urn:test'>${String(n).padStart(3000, "x")}</blob>`;
const bytes = (el: Element | undefined) => Buffer.byteLength(el?.toString() ?? "");

async function nodeWith(count: number, limits = {}) {
  const h = harness({ ...LIMITS, ...limits });
  await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/></pubsub>`);
  for (let i = 1; i <= count; i++) {
    const r = await h.set(
      ALICE,
      `<pubsub xmlns='${PS}'><publish node='n'><item id='i${i}'>${big(i)}</item></publish></pubsub>`,
    );
    expect(r?.name).toBe("pubsub");
  }
  return h;
}

const ids = (reply: Element | undefined) =>
  (reply?.getChild("items")?.getChildren("item") ?? []).map((i) => String(i.attrs.id));
const set = (reply: Element | undefined) => reply?.getChild("set", RSM);
const items = (rsm = "") =>
  `<pubsub xmlns='${PS}'><items node='n'/>${rsm && `<set xmlns='${RSM}'>${rsm}</set>`}</pubsub>`;

describe("pubsub replies bounded by bytes", () => {
  it("fills an items page until the next item would pass the budget, and pages on to the end", async () => {
    const h = await nodeWith(12);
    const first = await h.get(BOB, items());
    expect(bytes(first)).toBeLessThanOrEqual(LIMITS.maxReplyBytes);
    // Full: one more item (about 3 KB) with the <iq/> envelope (1 KiB kept) would not have fitted.
    expect(bytes(first) + 3100 + 1024).toBeGreaterThan(LIMITS.maxReplyBytes);
    expect(ids(first)).toEqual(["i12", "i11", "i10", "i9"]);
    expect(canon(set(first))).toBe(
      canon(`<set xmlns='${RSM}'><first index='0'>i12</first><last>i9</last><count>12</count></set>`),
    );
    const seen = [...ids(first)];
    let reply = first;
    for (let page = 0; page < 5 && seen.length < 12; page++) {
      reply = await h.get(BOB, items(`<after>${set(reply)?.getChildText("last")}</after>`));
      expect(bytes(reply)).toBeLessThanOrEqual(LIMITS.maxReplyBytes);
      expect(set(reply)?.getChild("first")?.attrs.index).toBe(String(seen.length));
      seen.push(...ids(reply));
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `i${12 - i}`));
    // XEP-0059 §2.6: after the last item, an empty page with the count only.
    const past = await h.get(BOB, items("<after>i1</after>"));
    expect(canon(past)).toBe(
      canon(`<pubsub xmlns='${PS}'><items node='n'/><set xmlns='${RSM}'><count>12</count></set></pubsub>`),
    );
  });

  it("bounds items asked for by id and those of max_items", async () => {
    const h = await nodeWith(8);
    const wanted = Array.from({ length: 8 }, (_, i) => `<item id='i${i + 1}'/>`).join("");
    const byId = await h.get(BOB, `<pubsub xmlns='${PS}'><items node='n'>${wanted}</items></pubsub>`);
    expect(bytes(byId)).toBeLessThanOrEqual(LIMITS.maxReplyBytes);
    expect(ids(byId)).toEqual(["i1", "i2", "i3", "i4"]);
    expect(set(byId)?.getChildText("count")).toBe("8");
    const max = await h.get(BOB, `<pubsub xmlns='${PS}'><items node='n' max_items='7'/></pubsub>`);
    expect(ids(max)).toEqual(["i8", "i7", "i6", "i5"]);
    expect(set(max)?.getChildText("count")).toBe("7");
    // The next page of a max_items result stops at max_items.
    const rest = await h.get(
      BOB,
      `<pubsub xmlns='${PS}'><items node='n' max_items='7'/><set xmlns='${RSM}'><after>i5</after></set></pubsub>`,
    );
    expect(ids(rest)).toEqual(["i4", "i3", "i2"]);
  });

  it("answers the last page for an empty <before/>, pages backwards, and jumps by index", async () => {
    const h = await nodeWith(6, { maxReplyBytes: 1024 * 1024 });
    const last = await h.get(BOB, items("<max>4</max><before/>"));
    expect(canon(set(last))).toBe(
      canon(`<set xmlns='${RSM}'><first index='2'>i4</first><last>i1</last><count>6</count></set>`),
    );
    expect(ids(last)).toEqual(["i4", "i3", "i2", "i1"]);
    const previous = await h.get(BOB, items("<max>4</max><before>i4</before>"));
    expect(ids(previous)).toEqual(["i6", "i5"]);
    expect(set(previous)?.getChild("first")?.attrs.index).toBe("0");
    const byIndex = await h.get(BOB, items("<max>2</max><index>3</index>"));
    expect(ids(byIndex)).toEqual(["i3", "i2"]);
    expect(set(byIndex)?.getChild("first")?.attrs.index).toBe("3");
    expect(set(await h.get(BOB, items("<max>0</max>")))?.toString()).toBe(
      `<set xmlns="${RSM}"><count>6</count></set>`,
    );
  });

  it("keeps a backwards page next to its cursor when the budget cuts it", async () => {
    const h = await nodeWith(12);
    const back = await h.get(BOB, items("<before>i2</before>"));
    expect(ids(back)).toEqual(["i6", "i5", "i4", "i3"]);
    expect(set(back)?.getChild("first")?.attrs.index).toBe("6");
    const lastPage = await h.get(BOB, items("<before/>"));
    expect(ids(lastPage)).toEqual(["i4", "i3", "i2", "i1"]);
    expect(set(lastPage)?.getChild("first")?.attrs.index).toBe("8");
    expect(bytes(lastPage)).toBeLessThanOrEqual(LIMITS.maxReplyBytes);
  });

  it("bounds subscriptions, affiliations and the owner's lists, and pages them", async () => {
    const h = harness({ ...LIMITS, maxReplyBytes: 8 * 1024 });
    await h.set(ALICE, `<pubsub xmlns='${PS}'><create node='n'/></pubsub>`);
    const long = (i: number) => `bob@example.org/${String(i).padStart(900, "r")}`;
    for (let i = 0; i < 30; i++) {
      const jid = long(i);
      await h.set(jid, `<pubsub xmlns='${PS}'><subscribe node='n' jid='${jid}'/></pubsub>`);
    }
    const affs = Array.from(
      { length: 30 },
      (_, i) => `<affiliation jid='${String(i).padStart(900, "m")}@example.org' affiliation='member'/>`,
    );
    const changed = await h.set(
      ALICE,
      `<pubsub xmlns='${PSO}'><affiliations node='n'>${affs.join("")}</affiliations></pubsub>`,
    );
    expect(changed).toBeUndefined();
    for (let i = 0; i < 30; i++) {
      await h.set(BOB, `<pubsub xmlns='${PS}'><create node='${String(i).padStart(400, "b")}'/></pubsub>`);
    }
    const lists: Array<[string, string, string, string, number]> = [
      [BOB, PS, "subscriptions", "subscription", 30],
      [BOB, PS, "affiliations", "affiliation", 30],
      [ALICE, PSO, "subscriptions node='n'", "subscription", 30],
      [ALICE, PSO, "affiliations node='n'", "affiliation", 31],
    ];
    for (const [from, ns, action, child, total] of lists) {
      const name = action.split(" ")[0] as string;
      const seen = new Set<string>();
      let after = "";
      for (let page = 0; page < 20 && seen.size < total; page++) {
        const rsm = after ? `<set xmlns='${RSM}'><after>${after}</after></set>` : "";
        const reply = await h.get(from, `<pubsub xmlns='${ns}'><${action}/>${rsm}</pubsub>`);
        expect(reply?.name, `${name}: ${reply?.toString().slice(0, 200)}`).toBe("pubsub");
        expect(bytes(reply)).toBeLessThanOrEqual(8 * 1024);
        const got = reply?.getChild(name)?.getChildren(child) ?? [];
        expect(got.length).toBeGreaterThan(0);
        for (const el of got) seen.add(el.toString());
        expect(set(reply)?.getChildText("count")).toBe(String(total));
        after = set(reply)?.getChildText("last") ?? "";
      }
      expect(seen.size, name).toBe(total);
    }
    // An unknown cursor is item-not-found (XEP-0059 §2.5).
    const unknown = await h.get(
      BOB,
      `<pubsub xmlns='${PS}'><subscriptions/><set xmlns='${RSM}'><after>nope</after></set></pubsub>`,
    );
    expect(unknown?.getChild("item-not-found")).toBeDefined();
    // A short list nobody paged gets no result set.
    expect(canon(await h.get(ALICE, `<pubsub xmlns='${PS}'><affiliations/></pubsub>`))).toBe(
      canon(
        `<pubsub xmlns='${PS}'><affiliations><affiliation node='n' affiliation='owner'/></affiliations></pubsub>`,
      ),
    );
  });
});
