import { PassThrough } from "node:stream";
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { exportHistory } from "../../../../cli/history/export";
import { makeHistoryAnswer, parseHistoryQuery, pointElement } from "../../../../shared/xmpp/history";

const T = Date.UTC(2026, 11, 1);

/** A hub answering two pages: temperature, then relay and a string channel. */
function hub(asked: (string | undefined)[]) {
  return async (iq: Element): Promise<Element> => {
    const q = parseHistoryQuery(iq.getChild("query") as Element, T + 10);
    if (!q.ok) throw new Error(q.text);
    asked.push(q.value.after);
    const page =
      q.value.after === undefined
        ? makeHistoryAnswer(
            { device: "d1", resolution: "raw", series: [], next: "temperature/1" },
            new Map([
              [
                "temperature",
                [pointElement({ t: T, v: 21.5 }), pointElement({ t: T + 1, v: 22, q: "estimate" })],
              ],
            ]),
          )
        : makeHistoryAnswer(
            { device: "d1", resolution: "raw", series: [] },
            new Map([
              ["relay", [pointElement({ t: T, v: true })]],
              ["note", [pointElement({ t: T + 2, v: 'a "quoted", text' })]],
            ]),
          );
    return xml("iq", { type: "result" }, page);
  };
}

async function run(format: "csv" | "jsonl") {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const asked: (string | undefined)[] = [];
  const progress: number[] = [];
  const rows = await exportHistory(
    hub(asked),
    "hub",
    { device: "d1", channels: [], from: T, to: T + 10, resolution: "raw", format },
    out,
    (p) => progress.push(p.rows),
  );
  return { rows, text: Buffer.concat(chunks).toString("utf8"), asked, progress };
}

describe("xiot export", () => {
  it("writes CSV with one header, every page in order, fields quoted where needed", async () => {
    const { rows, text, asked, progress } = await run("csv");
    expect(asked).toEqual([undefined, "temperature/1"]);
    expect(rows).toBe(4);
    expect(progress).toEqual([2, 4]);
    expect(text.split("\n")).toEqual([
      "device,channel,time,value,quality",
      "d1,temperature,2026-12-01T00:00:00.000Z,21.5,",
      "d1,temperature,2026-12-01T00:00:00.001Z,22,estimate",
      "d1,relay,2026-12-01T00:00:00.000Z,true,",
      'd1,note,2026-12-01T00:00:00.002Z,"a ""quoted"", text",',
      "",
    ]);
  });

  it("writes JSON lines that keep value types", async () => {
    const { text } = await run("jsonl");
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { device: "d1", channel: "temperature", t: "2026-12-01T00:00:00.000Z", v: 21.5 },
      { device: "d1", channel: "temperature", t: "2026-12-01T00:00:00.001Z", v: 22, q: "estimate" },
      { device: "d1", channel: "relay", t: "2026-12-01T00:00:00.000Z", v: true },
      { device: "d1", channel: "note", t: "2026-12-01T00:00:00.002Z", v: 'a "quoted", text' },
    ]);
  });
});
