import { describe, expect, it } from "vitest";
import {
  availabilityNode,
  itemId,
  ModelError,
  metaNode,
  parseItemId,
  parseReadingsDocument,
  readingsNode,
  stateNode,
} from "../../../shared/model";

const good = () => ({
  v: 1,
  dev: "greenhouse-1",
  boot: "17.k3f9a2",
  seq: 42,
  clk: "sync",
  r: [
    { c: "temp", t: 1_700_000_000_000, v: 21.5 },
    { c: "door_open", t: 1_700_000_000_100, v: true, q: "estimate" },
    { c: "status", t: 1_700_000_000_200, v: "ok" },
  ],
});

function errorOf(input: unknown): ModelError {
  const res = parseReadingsDocument(input);
  if (res.ok) throw new Error("expected an error");
  return res.error;
}

describe("parseReadingsDocument", () => {
  it("accepts a valid version 1 document and returns it typed", () => {
    const doc = good();
    const res = parseReadingsDocument(doc);
    expect(res).toEqual({ ok: true, value: doc });
  });

  it("accepts a gap and an empty reading list", () => {
    const res = parseReadingsDocument({ ...good(), r: [], gap: { n: 60, from: 3, to: 4 } });
    expect(res.ok).toBe(true);
  });

  it("names an unknown version", () => {
    const err = errorOf({ ...good(), v: 2 });
    expect(err.code).toBe("unknown-version");
    expect(err.message).toContain("version 2");
  });

  it("rejects a missing version and non-objects", () => {
    expect(errorOf({ ...good(), v: undefined }).path).toBe("v");
    expect(errorOf(null).code).toBe("invalid-document");
    expect(errorOf([1]).code).toBe("invalid-document");
    expect(errorOf("{}").code).toBe("invalid-document");
  });

  const cases: [string, (d: ReturnType<typeof good>) => unknown, string][] = [
    ["bad device id", (d) => ({ ...d, dev: "Greenhouse" }), "dev"],
    ["device id too long", (d) => ({ ...d, dev: `a${"b".repeat(63)}` }), "dev"],
    ["device id starting with dash", (d) => ({ ...d, dev: "-x" }), "dev"],
    ["boot id with dash", (d) => ({ ...d, boot: "1-2" }), "boot"],
    ["negative seq", (d) => ({ ...d, seq: -1 }), "seq"],
    ["fractional seq", (d) => ({ ...d, seq: 1.5 }), "seq"],
    ["bad clk", (d) => ({ ...d, clk: "maybe" }), "clk"],
    ["r not array", (d) => ({ ...d, r: {} }), "r"],
    ["bad channel", (d) => ({ ...d, r: [{ c: "Temp", t: 1, v: 1 }] }), "r[0].c"],
    ["channel too long", (d) => ({ ...d, r: [{ c: `a${"b".repeat(32)}`, t: 1, v: 1 }] }), "r[0].c"],
    ["bad time", (d) => ({ ...d, r: [{ c: "a", t: "now", v: 1 }] }), "r[0].t"],
    ["NaN value", (d) => ({ ...d, r: [{ c: "a", t: 1, v: Number.NaN }] }), "r[0].v"],
    ["object value", (d) => ({ ...d, r: [{ c: "a", t: 1, v: {} }] }), "r[0].v"],
    ["good spelled out", (d) => ({ ...d, r: [{ c: "a", t: 1, v: 1, q: "good" }] }), "r[0].q"],
    ["unknown reading field", (d) => ({ ...d, r: [{ c: "a", t: 1, v: 1, u: "C" }] }), "r[0]"],
    ["unknown top field", (d) => ({ ...d, extra: 1 }), ""],
    ["gap from > to", (d) => ({ ...d, gap: { n: 1, from: 5, to: 4 } }), "gap"],
    ["gap n zero", (d) => ({ ...d, gap: { n: 0, from: 1, to: 1 } }), "gap"],
  ];
  for (const [name, mutate, path] of cases) {
    it(`rejects ${name} naming ${path || "the document"}`, () => {
      const err = errorOf(mutate(good()));
      expect(err).toBeInstanceOf(ModelError);
      expect(err.code).toBe("invalid-document");
      expect(err.path).toBe(path);
    });
  }
});

describe("node names and item ids", () => {
  it("builds the per-device node names", () => {
    expect(readingsNode("d1")).toBe("devices/d1/readings");
    expect(stateNode("d1")).toBe("devices/d1/state");
    expect(availabilityNode("d1")).toBe("devices/d1/availability");
    expect(metaNode("d1")).toBe("devices/d1/meta");
  });

  it("builds and parses item ids", () => {
    expect(itemId("17.k3f9a2", 5)).toBe("17.k3f9a2-5");
    expect(parseItemId("17.k3f9a2-5")).toEqual({ ok: true, value: { boot: "17.k3f9a2", seq: 5 } });
    expect(parseItemId("nodash").ok).toBe(false);
    expect(parseItemId("1.a-05").ok).toBe(false);
    expect(parseItemId("-5").ok).toBe(false);
    expect(() => itemId("a-b", 1)).toThrow(TypeError);
    expect(() => itemId("ab", -1)).toThrow(TypeError);
  });
});
