import { describe, expect, it } from "vitest";
import { makeRsmSet, parseRsm } from "../../../../shared/xmpp/rsm";
import { canon, parseXml } from "../../../helpers/stanza";

const RSM = "http://jabber.org/protocol/rsm";
const wrap = (set: string) => parseXml(`<pubsub xmlns='p'>${set}</pubsub>`);

describe("result set management", () => {
  it("parses max, after, before and index", () => {
    expect(parseRsm(wrap(`<set xmlns='${RSM}'><max>10</max><after>a</after></set>`))).toEqual({
      max: 10,
      after: "a",
    });
    expect(parseRsm(wrap(`<set xmlns='${RSM}'><before/></set>`))).toEqual({ before: "" });
    expect(parseRsm(wrap(`<set xmlns='${RSM}'><index>3</index></set>`))).toEqual({ index: 3 });
    expect(parseRsm(wrap("<other/>"))).toBeUndefined();
  });

  it("refuses malformed requests", () => {
    expect(parseRsm(wrap(`<set xmlns='${RSM}'><max>-1</max></set>`))).toBe("bad-request");
    expect(parseRsm(wrap(`<set xmlns='${RSM}'><max>lots</max></set>`))).toBe("bad-request");
    expect(parseRsm(wrap(`<set xmlns='${RSM}'><after></after></set>`))).toBe("bad-request");
  });

  it("builds a result set, and an empty page with only the count", () => {
    expect(canon(makeRsmSet({ first: "a", firstIndex: 4, last: "b", count: 9 }))).toBe(
      canon(`<set xmlns='${RSM}'><first index='4'>a</first><last>b</last><count>9</count></set>`),
    );
    expect(canon(makeRsmSet({ count: 0 }))).toBe(canon(`<set xmlns='${RSM}'><count>0</count></set>`));
  });
});
