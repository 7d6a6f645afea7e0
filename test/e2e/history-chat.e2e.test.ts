/* The hub's history command in chat, end to end: real Prosody, hub and agent. The agent publishes
 * and stops; its owner's `kitchen-1 temperature 1h` answers min, mean and max as a history query
 * over the same readings gives them (formatted by shared/format.ts with the unit of the device's
 * meta), and a sparkline; a stranger gets the words for a device that does not exist.
 * References: docs/history.md, docs/design.md §3 (chat) and §6 (one access rule). */
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMeta } from "../../hub/control/device-info";
import { formatValue } from "../../shared/format";
import { metaNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeHistoryQuery, parseHistoryAnswer } from "../../shared/xmpp/history";
import { eventually, fetchAllItems, runAgent } from "../helpers/agent/e2e";
import { untilStored } from "../helpers/agent/verify";
import { HUB, hubInbox, type Inbox, provision, say, stack } from "./control-setup";
import type { TestServer } from "./server";

const ID = "kitchen-1";

/** The device's raw temperature readings of the last two hours, oldest first, by history query. */
async function temperatures(client: ClientConnection): Promise<Array<{ t: number; v: number }>> {
  const now = Date.now();
  const iq = makeHistoryQuery(HUB, "h", {
    device: ID,
    channels: ["temperature"],
    from: now - 2 * 3_600_000,
    to: now + 60_000,
    resolution: "raw",
    max: 2000,
  });
  const parsed = parseHistoryAnswer((await client.request(iq)).getChild("query") as Element);
  if (!parsed.ok) throw new Error(parsed.text);
  expect(parsed.value.next).toBeUndefined();
  return (parsed.value.series[0]?.points ?? []).map((p) => ({ t: p.t, v: p.v as number }));
}

describe("history in chat at the hub", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let eve: ClientConnection;
  let aliceInbox: Inbox;
  let eveInbox: Inbox;

  beforeAll(async () => {
    const s = await stack();
    server = s.server;
    await server.hub(s.hubArgs);
    const device = await provision(server, s.admin, ID);
    alice = await server.client(await server.register("alice"));
    eve = await server.client(await server.register("eve"));
    [aliceInbox, eveInbox] = [hubInbox(alice), hubInbox(eve)];
    expect(await say(alice, aliceInbox, `claim ${ID} ${device.claimKey}`)).toBe(`${ID} is yours now.`);
    const run = runAgent({
      server,
      account: device.account,
      extra: ["--batch.maxDelayMs", "200", "--channels.temperature.intervalMs", "100"],
    });
    await run.proc.ready(30_000);
    await eventually(async () => (await temperatures(alice)).length >= 10, 30_000, 300);
    await run.proc.stop("SIGTERM");
    await untilStored(alice, ID, run.stateDir);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers the owner with min, mean, max and last as history holds them, and a sparkline", async () => {
    const points = await temperatures(alice);
    const [metaItem] = await fetchAllItems(alice, HUB, metaNode(ID));
    const unit = parseMeta(metaItem?.getChildElements()[0] as Element)?.channels.find(
      (c) => c.name === "temperature",
    )?.unit;
    expect(unit).toBeTruthy();
    const values = points.map((p) => p.v);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(min).toBeLessThanOrEqual(mean);
    expect(mean).toBeLessThanOrEqual(max);

    const lines = (await say(alice, aliceInbox, `${ID} temperature 1h`)).split("\n");
    expect(lines[0]).toMatch(
      /^kitchen-1 temperature, last 1h \(\d{4}-\d\d-\d\d \d\d:\d\dZ to \d{4}-\d\d-\d\d \d\d:\d\dZ\), tier raw:$/,
    );
    const show = (x: number) => formatValue(x, unit);
    expect(lines[1]).toBe(
      `min ${show(min)}, mean ${show(mean)}, max ${show(max)}, last ${show(values.at(-1) as number)}; ${values.length} readings`,
    );
    expect([...(lines[2] ?? "")]).toHaveLength(24);
    expect(lines[2]).toMatch(/^[·▁▂▃▄▅▆▇█]+$/);

    expect(await say(alice, aliceInbox, `${ID} pressure 24h`)).toMatch(
      /^kitchen-1 has no channel "pressure"; its channels: temperature, humidity, /,
    );
    expect(await say(alice, aliceInbox, `${ID} temperature from 2020-01-01 to 2020-01-02`)).toBe(
      `No readings of ${ID} temperature from 2020-01-01 00:00Z to 2020-01-02 00:00Z.`,
    );
  });

  it("tells a stranger what it tells about a device that does not exist", async () => {
    expect(await say(eve, eveInbox, `${ID} temperature 1h`)).toBe(`No device ${ID} that you can see.`);
    expect(await say(eve, eveInbox, "no-such-device temperature 1h")).toBe(
      "No device no-such-device that you can see.",
    );
  });
});
