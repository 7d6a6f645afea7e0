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
  return { ask, readers };
}

const pointsOf = (answer: Element) => {
  const parsed = parseHistoryAnswer(answer);
  if (!parsed.ok) throw new Error(parsed.text);
  return parsed.value;
};

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
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = pointsOf(await ask("alice@example.org", { max: 300, ...(after ? { after } : {}) }));
      for (const s of page.series) for (const p of s.points) seen.push(`${s.channel}@${p.t}`);
      after = page.next;
      pages++;
    } while (after && pages < 20);
    expect(pages).toBe(4); // 1000 points, 300 a page
    expect(seen.length).toBe(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(seen[0]).toBe(`humidity@${FROM}`);
    expect(seen.at(-1)).toBe(`temperature@${FROM + 499 * 10_000}`);
  });

  it("keeps every page under the byte budget and still delivers everything", async () => {
    const budget = 8 * 1024;
    const { ask } = setup(budget + 1024 + 64);
    let after: string | undefined;
    let total = 0;
    let pages = 0;
    do {
      const el = await ask("alice@example.org", after ? { after } : {});
      expect(xml("iq", {}, el).toString().length).toBeLessThan(budget + 1024);
      const page = pointsOf(el);
      total += page.series.reduce((n, s) => n + s.points.length, 0);
      after = page.next;
      pages++;
    } while (after && pages < 500);
    expect(total).toBe(1000);
    expect(pages).toBeGreaterThan(5);
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
});
