/* XEP-0323 historical readouts through the hub, end to end: real Prosody, hub and agent. The
 * agent publishes and stops; a readout of its node at the hub is answered from history (accepted,
 * then fields messages, the last done) with exactly the readings a history query gives; a
 * stranger is refused as for a device that does not exist; a momentary request is answered as
 * before. References: XEP-0323 §3.1, §3.3, §3.4, §5.5; XEP-0326 §3; docs/history.md. */
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeHistoryQuery, parseHistoryAnswer } from "../../shared/xmpp/history";
import { NS_DISCO_INFO, NS_IOT_SENSORDATA } from "../../shared/xmpp/ns";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import { eventually, runAgent } from "../helpers/agent/e2e";
import { untilStored } from "../helpers/agent/verify";
import { HUB, hubInbox, provision, say, stack } from "./control-setup";
import type { TestServer } from "./server";

const ID = "kitchen-1";

async function rawPoints(client: ClientConnection, from: number, to: number) {
  const iq = makeHistoryQuery(HUB, "h", {
    device: ID,
    channels: ["temperature"],
    from,
    to,
    resolution: "raw",
  });
  const parsed = parseHistoryAnswer((await client.request(iq)).getChild("query") as Element);
  if (!parsed.ok) throw new Error(parsed.text);
  return parsed.value.series[0]?.points ?? [];
}

const readout = (id: string, attrs: Record<string, string>, node = ID) =>
  xml(
    "iq",
    { type: "get", to: HUB },
    xml(
      "req",
      { xmlns: NS_IOT_SENSORDATA, id, ...attrs },
      xml("node", { nodeId: node }),
      xml("field", { name: "temperature" }),
    ),
  );

/** The sensor-data messages from the hub for a readout id, until one says done. */
function collect(client: ClientConnection, id: string, timeoutMs = 20_000): Promise<Element[]> {
  return new Promise((resolve, reject) => {
    const got: Element[] = [];
    const timer = setTimeout(() => reject(new Error(`readout ${id} not done: ${got.join("")}`)), timeoutMs);
    client.xmpp.on("stanza", (s: Element) => {
      const payload = s.is("message") && s.attrs.from === HUB ? s.getChildElements()[0] : undefined;
      if (payload?.attrs.xmlns !== NS_IOT_SENSORDATA || payload.attrs.id !== id) return;
      got.push(payload);
      if (payload.attrs.done === "true") {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

describe("historical readouts through the hub", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let eve: ClientConnection;
  let from = 0;
  let to = 0;

  beforeAll(async () => {
    const s = await stack();
    server = s.server;
    await server.hub(s.hubArgs);
    const device = await provision(server, s.admin, ID);
    alice = await server.client(await server.register("alice"));
    eve = await server.client(await server.register("eve"));
    const inbox = hubInbox(alice);
    expect(await say(alice, inbox, `claim ${ID} ${device.claimKey}`)).toBe(`${ID} is yours now.`);
    from = Date.now() - 60_000;
    const run = runAgent({
      server,
      account: device.account,
      extra: ["--batch.maxDelayMs", "200", "--channels.temperature.intervalMs", "100"],
    });
    await run.proc.ready(30_000);
    await eventually(async () => (await rawPoints(alice, from, Date.now() + 1)).length >= 10, 30_000, 300);
    await run.proc.stop("SIGTERM");
    await untilStored(alice, ID, run.stateDir);
    to = Date.now() + 1;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers from history while the device is stopped, reading by reading, the last message done", async () => {
    const points = await rawPoints(alice, from, to);
    const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    const messages = collect(alice, "r1");
    const result = await alice.request(readout("r1", { historical: "true", ...range }));
    expect(result.getChild("accepted", NS_IOT_SENSORDATA)?.attrs.id).toBe("r1");
    const got = await messages;
    expect(got.map((m) => m.name)).toEqual(got.map(() => "fields"));
    const nodes = got.flatMap((m) => m.getChildren("node"));
    expect(nodes.map((n) => n.attrs.nodeId)).toEqual(got.map(() => ID));
    const stamps = nodes.flatMap((n) => n.getChildren("timestamp"));
    expect(stamps.map((s) => Date.parse(String(s.attrs.value)))).toEqual(points.map((p) => p.t));
    const fields = stamps.map((s) => s.getChildElements());
    expect(fields.every((f) => f.length === 1)).toBe(true);
    for (const [i, [f]] of fields.entries()) {
      expect(f?.attrs).toMatchObject({
        name: "temperature",
        value: String(points[i]?.v),
        historicalOther: "true",
        automaticReadout: "true",
        unit: expect.any(String),
      });
      expect(f?.attrs.momentary).toBeUndefined();
    }
  });

  it("refuses a stranger exactly as a device that does not exist", async () => {
    for (const node of [ID, "no-such-device"]) {
      const error = await eve.request(readout("x", { historical: "true" }, node)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StanzaError);
      expect((error as StanzaError).condition).toBe("item-not-found");
      expect((error as StanzaError).text).toBe(`no device ${node} that you can read`);
    }
  });

  it("answers a momentary request to the hub as before, and says it serves sensor data", async () => {
    const error = await alice.request(readout("m", { momentary: "true" })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as StanzaError).condition).toBe("service-unavailable");
    const info = await alice.request(
      xml("iq", { type: "get", to: HUB }, xml("query", { xmlns: NS_DISCO_INFO })),
    );
    const features = info
      .getChild("query")
      ?.getChildren("feature")
      .map((f) => f.attrs.var);
    expect(features).toContain(NS_IOT_SENSORDATA);
  });
});
