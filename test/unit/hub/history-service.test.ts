/* The history query service over the memory engine, with the access rule stubbed: who may read,
 * paging by count and by bytes, every entry exactly once across pages. */
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import type { AccessRule } from "../../../hub/access/rule";
import { createMemoryHistory } from "../../../hub/history/memory";
import { historyRoute } from "../../../hub/history/service";
import { DEFAULT_RETENTION, HOUR } from "../../../hub/history/types";
import type { IqContext } from "../../../hub/iq-types";
import { fail } from "../../../hub/pubsub/types";
import { readingsNode } from "../../../shared/model";
import { type HistoryRequest, makeHistoryQuery, parseHistoryAnswer } from "../../../shared/xmpp/history";

const NOW = Date.UTC(2026, 11, 2, 12);
const FROM = NOW - 2 * HOUR;

function setup(maxReplyBytes = 256 * 1024) {
  const history = createMemoryHistory(DEFAULT_RETENTION);
  for (const c of ["humidity", "temperature"])
    history.add(
      "d1",
      Array.from({ length: 500 }, (_, i) => ({ c, t: FROM + i * 10_000, v: 20 + i / 100 })),
      NOW,
    );
  const readers = new Set(["alice@example.org"]);
  const access: Pick<AccessRule, "factsOf" | "refusal"> = {
    factsOf: async (node) => (node === readingsNode("d1") ? ({} as never) : undefined),
    refusal: async (_node, jid) => (readers.has(jid.split("/")[0] ?? "") ? undefined : fail("forbidden")),
  };
  const route = historyRoute({ history, access, now: () => NOW, maxReplyBytes });
  const ask = async (from: string, r: Partial<HistoryRequest>): Promise<Element> => {
    const iq = makeHistoryQuery("hub", "q1", {
      device: "d1",
      channels: [],
      from: FROM,
      to: NOW,
      resolution: "raw",
      ...r,
    });
    const child = iq.getChild("query") as Element;
    const ctx: IqContext = { from, to: "hub", id: "q1", type: "get", stanza: iq, child };
    return (await route.handler(ctx)) as Element;
  };
  return { ask, readers, history };
}

const pointsOf = (answer: Element) => {
  const parsed = parseHistoryAnswer(answer);
  if (!parsed.ok) throw new Error(parsed.text);
  return parsed.value;
};

type Ask = ReturnType<typeof setup>["ask"];

/** Every page of a request, following the RSM cursor (at most `most` pages); `each` sees every
 * answer element as it comes. */
async function everyPage(ask: Ask, r: Partial<HistoryRequest>, most: number, each?: (el: Element) => void) {
  const pages: ReturnType<typeof pointsOf>[] = [];
  let after: string | undefined;
  do {
    const el = await ask("alice@example.org", { ...r, ...(after ? { after } : {}) });
    each?.(el);
    const page = pointsOf(el);
    pages.push(page);
    after = page.next;
  } while (after && pages.length < most);
  return pages;
}

/** Pages through every point, each page's stanza under `budget` (and its envelope); asserts all
 * 1000 points arrive, and returns how many pages it took. */
async function pagesUnder(ask: Ask, budget: number, json: boolean): Promise<number> {
  const pages = await everyPage(ask, { json }, 500, (el) =>
    expect(xml("iq", {}, el).toString().length).toBeLessThan(budget + 1024),
  );
  expect(pages.reduce((n, p) => n + p.series.reduce((k, s) => k + s.points.length, 0), 0)).toBe(1000);
  return pages.length;
}

describe("history queries", () => {
  it("answers a reader, and a stranger exactly as for a device that does not exist", async () => {
    const { ask } = setup();
    const answer = pointsOf(await ask("alice@example.org/phone", { channels: ["temperature"], max: 3 }));
    expect(answer.series).toEqual([
      {
        channel: "temperature",
        points: [0, 1, 2].map((i) => ({ t: FROM + i * 10_000, v: 20 + i / 100 })),
        buckets: [],
      },
    ]);
    const stranger = await ask("eve@example.org/x", {});
    const missing = await ask("alice@example.org/phone", { device: "nope" });
    expect(stranger.name).toBe("error");
    expect(stranger.getChild("item-not-found")).toBeDefined();
    expect(stranger.getChildText("text")).toBe("no device d1 that you can read");
    expect(missing.getChildText("text")).toBe("no device nope that you can read");
  });

  it("pages through every channel by count, every point exactly once", async () => {
    const { ask } = setup();
    const all = await everyPage(ask, { max: 300 }, 20);
    const seen = all.flatMap((page) =>
      page.series.flatMap((s) => s.points.map((p) => `${s.channel}@${p.t}`)),
    );
    const pages = all.length;
    expect(pages).toBe(4); // 1000 points, 300 a page
    expect(seen.length).toBe(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(seen[0]).toBe(`humidity@${FROM}`);
    expect(seen.at(-1)).toBe(`temperature@${FROM + 499 * 10_000}`);
  });

  it("keeps every page under the byte budget and still delivers everything", async () => {
    const budget = 8 * 1024;
    const { ask } = setup(budget + 1024 + 64);
    expect(await pagesUnder(ask, budget, false)).toBeGreaterThan(5);
  });

  it("picks the tier for `auto` from the range, and refuses a malformed request", async () => {
    const { ask } = setup();
    const day = pointsOf(await ask("alice@example.org", { resolution: "auto", from: NOW - 10 * 24 * HOUR }));
    expect(day.resolution).toBe("1m");
    expect(day.series[0]?.buckets.length).toBe(Math.ceil((500 * 10_000) / 60_000));
    const bad = await ask("alice@example.org", { from: NOW + 1 });
    expect(bad.getChild("bad-request")).toBeDefined();
    expect(bad.getChildText("text")).toBe("to must be later than from");
  });

  it("answers a summary: one bucket per channel merging the range, at any tier", async () => {
    const { ask } = setup();
    const whole = { n: 500, first: 20, last: 20 + 499 / 100, min: 20, max: 20 + 499 / 100 };
    for (const resolution of ["raw", "1m", "1h"] as const) {
      const answer = pointsOf(await ask("alice@example.org", { resolution, summary: true }));
      expect(answer.summary).toBe(true);
      expect(answer.next).toBeUndefined();
      expect(answer.series.map((s) => s.channel)).toEqual(["humidity", "temperature"]);
      for (const s of answer.series) {
        expect(s.buckets).toHaveLength(1);
        const b = s.buckets[0];
        expect({ ...b, mean: undefined, t: undefined }).toEqual({ ...whole, mean: undefined, t: undefined });
        expect(b?.mean).toBeCloseTo(22.495, 9);
        expect(b?.t).toBe(resolution === "1h" ? Math.floor(FROM / HOUR) * HOUR : FROM);
      }
    }
    // A part of the range, and a channel without readings in it.
    const part = pointsOf(
      await ask("alice@example.org", {
        from: FROM + 10_000,
        to: FROM + 30_000,
        summary: true,
        channels: ["temperature"],
      }),
    );
    expect(part.series[0]?.buckets).toEqual([
      { t: FROM + 10_000, n: 2, first: 20.01, last: 20.02, min: 20.01, max: 20.02, mean: 20.015 },
    ]);
    const none = pointsOf(
      await ask("alice@example.org", { from: NOW - 1000, summary: true, channels: ["temperature"] }),
    );
    expect(none.series).toEqual([{ channel: "temperature", points: [], buckets: [] }]);
  });

  it("summarises booleans and strings as count, first and last", async () => {
    const { ask, history } = setup();
    history.add(
      "d1",
      [true, false, true].map((v, i) => ({ c: "relay", t: FROM + i * 1000, v })),
      NOW,
    );
    const answer = pointsOf(
      await ask("alice@example.org", { channels: ["relay"], summary: true, resolution: "1m" }),
    );
    expect(answer.series[0]?.buckets).toEqual([{ t: FROM, n: 3, first: true, last: true }]);
  });

  it("pages summaries by channel, each channel exactly once", async () => {
    const { ask } = setup();
    const all = await everyPage(ask, { summary: true, max: 1 }, 10);
    const seen = all.flatMap((page) => page.series.map((s) => `${s.channel}:${s.buckets[0]?.n}`));
    const pages = all.length;
    expect(seen).toEqual(["humidity:500", "temperature:500"]);
    expect(pages).toBe(2);
  });

  it("refuses a summary attribute that is not a boolean, naming it", async () => {
    const iq = makeHistoryQuery("hub", "q1", {
      device: "d1",
      channels: [],
      from: FROM,
      to: NOW,
      resolution: "raw",
    });
    const query = iq.getChild("query") as Element;
    query.attrs.summary = "yes";
    const { handler } = historyRoute({
      history: createMemoryHistory(DEFAULT_RETENTION),
      access: { factsOf: async () => ({}) as never, refusal: async () => undefined },
      now: () => NOW,
      maxReplyBytes: 65536,
    });
    const answer = (await handler({
      from: "a@x",
      to: "hub",
      id: "q1",
      type: "get",
      stanza: iq,
      child: query,
    })) as Element;
    expect(answer.getChild("bad-request")).toBeDefined();
    expect(answer.getChildText("text")).toBe("summary: expected true or false");
  });

  it("answers in JSON exactly what it answers in elements, at every tier and for summaries", async () => {
    const { ask, history } = setup();
    history.add(
      "d1",
      [true, false].map((v, i) => ({ c: "relay", t: FROM + i * 1000, v })),
      NOW,
    );
    for (const r of [
      { resolution: "raw" },
      { resolution: "1m" },
      { resolution: "1h", summary: true },
    ] as const) {
      const plain = pointsOf(await ask("alice@example.org", r));
      const json = pointsOf(await ask("alice@example.org", { ...r, json: true }));
      expect(json.json).toBe(true);
      expect({ ...json, json: undefined }).toEqual(plain);
    }
  });

  it("keeps every JSON page under the byte budget, with far fewer pages than elements take", async () => {
    const budget = 8 * 1024;
    const { ask } = setup(budget + 1024 + 64);
    const json = await pagesUnder(ask, budget, true);
    expect(json).toBeGreaterThan(1);
    expect(json * 3).toBeLessThan(await pagesUnder(ask, budget, false));
  });
});
