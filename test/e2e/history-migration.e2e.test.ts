/* A store from before telemetry history: its readings items are brought into history at the
 * first start of a hub that keeps history, once. Real Prosody and hub; the old store is made by
 * publishing through a hub, then removing the history tables from its file, as a hub from before
 * history would have left it. References: docs/history.md, hub/history/backfill.ts. */
import { join } from "node:path";
import type { Element } from "@xmpp/xml";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeReadingsPayload } from "../../shared/exi/payload";
import { readingsNode } from "../../shared/model";
import { makeHistoryQuery, parseHistoryAnswer } from "../../shared/xmpp/history";
import { makePublish } from "../../shared/xmpp/pubsub";
import { makeCreate } from "../../shared/xmpp/pubsub-owner";
import { startServer, type TestServer } from "./server";

const HUB = "hub.localhost";

describe("history of a store from before history", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("brings every readings item into history at the first start, once", async () => {
    let hub = await server.hub();
    const account = await server.register(`old-${process.pid}`);
    const device = await server.client(account, "agent");
    const node = readingsNode(account.username);
    await device.request(makeCreate(HUB, node));
    const t0 = Date.now() - 3_600_000;
    for (let seq = 0; seq < 30; seq++) {
      const r = [{ c: "temperature", t: t0 + seq * 60_000, v: 20 + seq / 10 }];
      const doc = { v: 1, dev: account.username, boot: "1.oldhub", seq, clk: "sync", r };
      await device.request(makePublish(HUB, node, makeReadingsPayload(doc), { id: `1.oldhub-${seq}` }));
    }
    await hub.stop();
    // What a hub from before history left: the items, and no history tables.
    const db = new Database(join(server.dir, "hub", "hub.sqlite"));
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'history_%'")
      .all() as { name: string }[];
    expect(tables.length).toBeGreaterThan(0);
    for (const { name } of tables) db.exec(`DROP TABLE ${name}`);
    db.close();

    const count = async () => {
      const iq = makeHistoryQuery(HUB, "m", {
        ...{ device: account.username, channels: ["temperature"], from: t0, to: Date.now() },
        resolution: "raw",
      });
      const parsed = parseHistoryAnswer((await device.request(iq)).getChild("query") as Element);
      if (!parsed.ok) throw new Error(parsed.text);
      return parsed.value.series.flatMap((s) => s.points);
    };
    hub = await server.hub();
    const points = await count();
    expect(points.map((p) => p.v)).toEqual(Array.from({ length: 30 }, (_, i) => 20 + i / 10));
    expect(hub.stderr.some((l) => l.text.includes("readings items brought into history"))).toBe(true);
    // Only once: a second start does not bring them in again (and adding them again would not double them).
    await hub.stop();
    hub = await server.hub();
    expect(await count()).toHaveLength(30);
    expect(hub.stderr.some((l) => l.text.includes("readings items brought into history"))).toBe(false);
    await hub.stop();
  });
});
