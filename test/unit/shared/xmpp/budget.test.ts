import { describe, expect, it } from "vitest";
import { fitCount, pageList, utf8Bytes, xmlBytes } from "../../../../shared/xmpp/budget";
import type { RsmRequest } from "../../../../shared/xmpp/rsm";

const list = ["a", "b", "c", "d", "e", "f"];
const paging = (rsm?: RsmRequest, budget = 1000) => ({
  keyOf: (s: string) => s,
  sizeOf: () => 10,
  budget,
  rsm,
});

describe("reply budget", () => {
  it("counts UTF-8 bytes of escaped text", () => {
    expect(utf8Bytes("aé€😀")).toBe(1 + 2 + 3 + 4);
    expect(xmlBytes("<&'>")).toBe("&lt;&amp;&apos;&gt;".length);
  });

  it("fits sizes in order, always at least one", () => {
    expect(fitCount([4, 4, 4], 9)).toBe(2);
    expect(fitCount([20, 1], 9)).toBe(1);
    expect(fitCount([], 9)).toBe(0);
  });

  it("pages a list by RSM and by bytes", () => {
    expect(pageList(list, paging(undefined))).toEqual({ entries: list, rsm: undefined });
    expect(pageList(list, paging(undefined, 35))).toEqual({
      entries: ["a", "b", "c"],
      rsm: { first: "a", firstIndex: 0, last: "c", count: 6 },
    });
    expect(pageList(list, paging({ after: "c", max: 2 }))).toMatchObject({ entries: ["d", "e"] });
    expect(pageList(list, paging({ before: "", max: 2 }))).toMatchObject({
      entries: ["e", "f"],
      rsm: { firstIndex: 4 },
    });
    expect(pageList(list, paging({ before: "d" }, 25))).toMatchObject({
      entries: ["b", "c"],
      rsm: { firstIndex: 1 },
    });
    expect(pageList(list, paging({ index: 5 }))).toMatchObject({ entries: ["f"] });
    expect(pageList(list, paging({ after: "f" }))).toEqual({ entries: [], rsm: { count: 6 } });
    expect(pageList(list, paging({ after: "zz" }))).toBe("item-not-found");
  });
});
