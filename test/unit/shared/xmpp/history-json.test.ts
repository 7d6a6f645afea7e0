import xml, { type Element, Parser } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import {
  type HistoryAnswer,
  makeHistoryAnswer,
  parseHistoryAnswer,
  parseHistoryQuery,
} from "../../../../shared/xmpp/history";
import { bucketJson, parseSeriesJson, pointJson } from "../../../../shared/xmpp/history-json";

const T = Date.UTC(2026, 11, 1);

/** The element a client's stream parser makes of `text`. */
function parseXml(text: string): Element {
  const parser = new Parser();
  let got: Element | undefined;
  parser.on("element", (el: Element) => {
    got = el;
  });
  parser.write(`<stream>${text}</stream>`);
  if (!got) throw new Error("no element");
  return got;
}

describe("history answers as JSON", () => {
  it("round-trip points of every value type and quality, and numeric and other buckets", () => {
    const points = [
      { t: T, v: 21.5 },
      { t: T + 1, v: -0.001, q: "estimate" as const },
      { t: T + 2, v: true },
      { t: T + 3, v: "a <b> & \"c\" 'd' é😀" },
      { t: T + 4, v: 1e21 },
    ];
    const buckets = [
      { t: T, n: 3, first: 1, last: 3, min: 1, max: 3, mean: 2 },
      { t: T + 60_000, n: 2, first: false, last: true },
      { t: T + 120_000, n: 1, first: "auto", last: "auto" },
    ];
    for (const [resolution, entries] of [
      ["raw", points.map(pointJson)],
      ["1m", buckets.map(bucketJson)],
    ] as const) {
      const a: HistoryAnswer = { device: "d1", resolution, series: [], json: true };
      // Through text, as a client receives it: escapes included.
      const text = xml("iq", {}, makeHistoryAnswer(a, new Map([["temperature", entries]]))).toString();
      const parsed = parseHistoryAnswer(parseXml(text).getChild("query") as Element);
      if (!parsed.ok) throw new Error(parsed.text);
      expect(parsed.value.json).toBe(true);
      expect(parsed.value.series).toEqual([
        {
          channel: "temperature",
          points: resolution === "raw" ? points : [],
          buckets: resolution === "raw" ? [] : buckets,
        },
      ]);
    }
  });

  it("refuse a malformed series, naming the channel", () => {
    const cases: [string, string][] = [
      ["not json", "t: the series is not JSON"],
      ['{"t":1}', "t: the series is not a JSON array"],
      ['[["x", 1]]', "t: an entry without a time"],
      ["[[1, null]]", "t: a malformed point"],
      ['[[1, 2, "fine"]]', "t: a malformed point"],
      ["[[1, 1.5, 1, 2]]", "t: a malformed bucket"],
      ['[[1, 2, 1, 2, "a", 2, 3]]', "t: a malformed bucket"],
      ["[[1, 2, 3, 4, 5]]", "t: an entry of 5 values"],
    ];
    for (const [text, problem] of cases)
      expect(parseSeriesJson("t", text)).toEqual({ ok: false, text: problem });
  });

  it("are asked for with format='json'; another format is refused naming the attribute", () => {
    const q = (format: string) =>
      xml("query", { xmlns: "urn:xiot:history:0", device: "d1", from: "2026-12-01T00:00:00Z", format });
    const json = parseHistoryQuery(q("json"), T + 1e9);
    expect(json.ok && json.value.json).toBe(true);
    const plain = parseHistoryQuery(q("xml"), T + 1e9);
    expect(plain.ok && plain.value.json).toBeUndefined();
    expect(parseHistoryQuery(q("csv"), T + 1e9)).toEqual({ ok: false, text: "format: expected xml or json" });
  });
});
