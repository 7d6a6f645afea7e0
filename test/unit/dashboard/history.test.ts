/* The dashboard's history loading: range → from/to, the custom inputs, and the RSM paging loop
 * against a fake hub that answers as docs/history.md says (auto resolved, <last/> while there is more).
 * References: XEP-0059 §2.2 (paging forwards), docs/history.md. */
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import {
  customRange,
  isLive,
  loadHistory,
  localInputValue,
  mergePages,
  parseLocalInput,
  rangeBounds,
} from "../../../dashboard/history";
import {
  bucketElement,
  cursorOf,
  type HistoryAnswer,
  type HistoryRequest,
  makeHistoryAnswer,
  parseHistoryQuery,
  pointElement,
} from "../../../shared/xmpp/history";
import { NS_XIOT_HISTORY } from "../../../shared/xmpp/ns";
import { StanzaError } from "../../../shared/xmpp/stanza-error";

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const HOUR = 3_600_000;

/** A hub whose answer to each request `answer` decides; it records what it was asked. */
function fakeHub(answer: (r: HistoryRequest, asked: number) => HistoryAnswer) {
  const asked: HistoryRequest[] = [];
  const request = async (iq: Element): Promise<Element> => {
    const parsed = parseHistoryQuery(iq.getChild("query", NS_XIOT_HISTORY) as Element, NOW);
    if (!parsed.ok) throw new Error(parsed.text);
    asked.push(parsed.value);
    const a = answer(parsed.value, asked.length);
    const entries = new Map(
      a.series.map((s) => [s.channel, [...s.points.map(pointElement), ...s.buckets.map(bucketElement)]]),
    );
    return xml("iq", { type: "result" }, makeHistoryAnswer(a, entries));
  };
  return { request, asked };
}

const point = (t: number, v: number) => ({ t, v });

describe("ranges", () => {
  it("ends a preset now and keeps a custom range where it was set; only 1 h and 24 h stay live", () => {
    expect(rangeBounds({ key: "1h" }, NOW)).toEqual({ from: NOW - HOUR, to: NOW });
    expect(rangeBounds({ key: "24h" }, NOW)).toEqual({ from: NOW - 24 * HOUR, to: NOW });
    expect(rangeBounds({ key: "7d" }, NOW).from).toBe(NOW - 7 * 24 * HOUR);
    expect(rangeBounds({ key: "30d" }, NOW).from).toBe(NOW - 30 * 24 * HOUR);
    expect(rangeBounds({ key: "1y" }, NOW).from).toBe(NOW - 365 * 24 * HOUR);
    expect(rangeBounds({ key: "custom", from: 5, to: 9 }, NOW)).toEqual({ from: 5, to: 9 });
    expect([isLive({ key: "1h" }), isLive({ key: "24h" }), isLive({ key: "7d" })]).toEqual([
      true,
      true,
      false,
    ]);
    expect(isLive({ key: "custom", from: 0, to: NOW })).toBe(false);
  });

  it("reads datetime-local values as local time and refuses an empty or backwards custom range", () => {
    const ms = new Date(2026, 10, 30, 8, 15).getTime();
    expect(localInputValue(ms)).toBe("2026-11-30T08:15");
    expect(parseLocalInput("2026-11-30T08:15")).toBe(ms);
    expect(parseLocalInput("")).toBeUndefined();
    expect(parseLocalInput("2026-11-30")).toBeUndefined();
    expect(customRange("2026-11-30T08:15", "2026-11-30T09:15")).toEqual({
      key: "custom",
      from: ms,
      to: ms + HOUR,
    });
    expect(customRange("2026-11-30T09:15", "2026-11-30T08:15")).toEqual({
      error: "the end must be after the start",
    });
    expect(customRange("", "2026-11-30T08:15")).toEqual({ error: "pick a start and an end" });
  });
});

describe("loading a range's history", () => {
  const base = {
    hub: "hub.localhost",
    device: "sim-1",
    channels: ["temperature"],
    from: NOW - HOUR,
    to: NOW,
  };

  it("asks auto for the range and pages with <after/> set to each answer's <last/>", async () => {
    const hub = fakeHub((r, n) => ({
      device: "sim-1",
      resolution: "raw",
      series: [{ channel: "temperature", points: [point(r.from + n, n)], buckets: [] }],
      ...(n < 3 ? { next: cursorOf("temperature", r.from + n) } : {}),
    }));
    const loaded = await loadHistory(hub.request, base);
    expect(hub.asked.map((r) => [r.resolution, r.after])).toEqual([
      ["auto", undefined],
      ["auto", cursorOf("temperature", base.from + 1)],
      ["auto", cursorOf("temperature", base.from + 2)],
    ]);
    expect(hub.asked[0]).toMatchObject({
      device: "sim-1",
      channels: ["temperature"],
      from: base.from,
      to: NOW,
    });
    expect(loaded).toEqual({
      resolution: "raw",
      truncated: false,
      series: [
        { channel: "temperature", points: [1, 2, 3].map((n) => point(base.from + n, n)), buckets: [] },
      ],
    });
  });

  it("asks one tier coarser when the pages cap is reached, and says so when even 1h overflows", async () => {
    const hub = fakeHub((r, n) => ({
      device: "sim-1",
      resolution: r.resolution === "auto" ? "raw" : r.resolution,
      series: [{ channel: "temperature", points: [point(r.from + n, n)], buckets: [] }],
      next: cursorOf("temperature", r.from + n), // never the last page
    }));
    const loaded = await loadHistory(hub.request, { ...base, maxPages: 2 });
    expect(hub.asked.map((r) => r.resolution)).toEqual(["auto", "auto", "1m", "1m", "1h", "1h"]);
    expect(loaded.resolution).toBe("1h");
    expect(loaded.truncated).toBe(true);
  });

  it("merges pages per channel in order, buckets included", () => {
    const b = (t: number) => ({ t, n: 2, first: 1, last: 2, min: 1, max: 2, mean: 1.5 });
    const page = (series: HistoryAnswer["series"]): HistoryAnswer => ({
      device: "d",
      resolution: "1m",
      series,
    });
    expect(
      mergePages([
        page([
          { channel: "a", points: [], buckets: [b(0), b(60)] },
          { channel: "b", points: [], buckets: [b(0)] },
        ]),
        page([{ channel: "b", points: [], buckets: [b(60)] }]),
      ]),
    ).toEqual([
      { channel: "a", points: [], buckets: [b(0), b(60)] },
      { channel: "b", points: [], buckets: [b(0), b(60)] },
    ]);
  });

  it("rejects with the hub's error, so the page can fall back to readings items", async () => {
    const stanza = xml("iq", { type: "error" });
    const request = async (): Promise<Element> => {
      throw new StanzaError("service-unavailable", "cancel", undefined, stanza, undefined);
    };
    await expect(loadHistory(request, base)).rejects.toMatchObject({ condition: "service-unavailable" });
  });
});
