/* A store from before telemetry history: its readings items are brought into history once. */
import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { backfillHistory } from "../../../hub/history/backfill";
import { createMemoryHistory } from "../../../hub/history/memory";
import { DEFAULT_RETENTION } from "../../../hub/history/types";
import { BASE_NODE_CONFIG } from "../../../hub/pubsub/node-config";
import { createMemoryStore } from "../../../hub/pubsub/storage/memory";
import { makeReadingsPayload } from "../../../shared/exi/payload";
import { silentLogger } from "../../../shared/log";
import { decodeReadings } from "../../../shared/xmpp/pubsub-device";

const T = Date.UTC(2026, 11, 1, 8);

const doc = (dev: string, seq: number) => ({
  v: 1,
  dev,
  boot: "3.abcdef",
  seq,
  clk: "sync",
  r: [
    { c: "temperature", t: T + seq * 10_000, v: 20 + seq },
    { c: "relay", t: T + seq * 10_000, v: seq % 2 === 0 },
  ],
});

async function storeWith() {
  const store = createMemoryStore();
  for (const id of ["devices/d1/readings", "devices/d1/state", "notes"])
    await store.createNode(
      { id, config: { ...BASE_NODE_CONFIG, maxItems: 10_000 }, creator: "d1@x", created: T },
      "d1@x",
    );
  const put = (node: string, id: string, payload: string) =>
    store.putItem(node, { id, payload, publisher: "d1@x/agent", published: T }, { maxItems: 10_000 });
  for (let seq = 0; seq < 1200; seq++)
    await put("devices/d1/readings", `3.abcdef-${seq}`, makeReadingsPayload(doc("d1", seq)).toString());
  await put(
    "devices/d1/readings",
    "junk",
    "<readings xmlns='urn:xiot:readings:0' encoding='exi4json'>!!</readings>",
  );
  await put("devices/d1/readings", "other", makeReadingsPayload(doc("d2", 0)).toString());
  await put("notes", "n1", makeReadingsPayload(doc("d1", 5000)).toString());
  return store;
}

describe("history backfill", () => {
  it("adds every valid readings item of every device once, and skips what does not decode", async () => {
    const store = await storeWith();
    const history = createMemoryHistory(DEFAULT_RETENTION);
    const deps = {
      store,
      history,
      decode: (payload: ReturnType<typeof xml>) => {
        const d = decodeReadings(xml("item", {}, payload));
        return d.ok ? d.value : undefined;
      },
      now: () => T + 86_400_000,
      log: silentLogger(),
    };
    expect(await backfillHistory(deps)).toEqual({ items: 1202, readings: 2400, skipped: 2 });
    const raw = history.query({
      device: "d1",
      channel: "temperature",
      from: 0,
      to: T + 86_400_000,
      tier: "raw",
      limit: 5000,
    });
    expect(raw.tier === "raw" && raw.points.length).toBe(1200);
    expect(history.channels("d1")).toEqual(["relay", "temperature"]);
    expect(history.channels("d2")).toEqual([]);
    // Cut short and run again: nothing is added twice.
    expect((await backfillHistory(deps)).readings).toBe(0);
  });
});
