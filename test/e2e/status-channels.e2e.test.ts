/* The status table keeps every channel, end to end with a real Prosody and hub: the device's own account publishes
 * its meta and readings in a forced order (humidity in one document, then only temperature, as a
 * device that polls temperature every second and humidity every 5 s does), and the owner's
 * `status` shows both channels with their newest values. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeReadingsPayload } from "../../shared/exi/payload";
import { metaNode, readingsNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makePublish } from "../../shared/xmpp/pubsub";
import { makeMetaPayload } from "../../shared/xmpp/pubsub-device";
import { HUB, hubInbox, type Inbox, provision, say, stack } from "./control-setup";
import type { TestServer } from "./server";

const ID = "shed-1";
const BOOT = "1.abcdef";

describe("status of a device whose readings documents each carry some channels", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let device: ClientConnection;
  let inbox: Inbox;

  beforeAll(async () => {
    const s = await stack();
    server = s.server;
    await server.hub(s.hubArgs);
    const provisioned = await provision(server, s.admin, ID);
    alice = await server.client(await server.register("alice"));
    inbox = hubInbox(alice);
    expect(await say(alice, inbox, `claim ${ID} ${provisioned.claimKey}`)).toBe(`${ID} is yours now.`);
    device = await server.client(provisioned.account, "agent");
  });
  afterAll(async () => {
    await server?.stop();
  });

  const publishReadings = (seq: number, r: { c: string; t: number; v: number }[]) =>
    device.request(
      makePublish(
        HUB,
        readingsNode(ID),
        makeReadingsPayload({ v: 1, dev: ID, boot: BOOT, seq, clk: "sync", r }),
        { id: `${BOOT}-${seq}` },
      ),
    );

  it("shows humidity from an older document while the newest ones carry only temperature", async () => {
    const t = Date.now() - 10_000;
    await publishReadings(0, [
      { c: "temperature", t, v: 20.5 },
      { c: "humidity", t, v: 45.5 },
    ]);
    for (let seq = 1; seq <= 4; seq++)
      await publishReadings(seq, [{ c: "temperature", t: t + seq * 1000, v: 21 }]);
    // Meta comes last, as after a reconnect of the device.
    const meta = {
      v: 1 as const,
      dev: ID,
      model: "xiot-simulated",
      version: "0.1.0",
      channels: [
        {
          name: "temperature",
          kind: "temperature",
          unit: "°C",
          valueType: "number",
          model: "sim-temperature",
        },
        { name: "humidity", kind: "humidity", unit: "%", valueType: "number", model: "sim-humidity" },
      ],
      actuators: [],
    };
    await device.request(makePublish(HUB, metaNode(ID), makeMetaPayload(meta), { id: "current" }));
    const status = await say(alice, inbox, `status ${ID}`);
    expect(status).toMatch(/^temperature\s+21 °C\s+\S+$/m);
    expect(status).toMatch(/^humidity\s+45\.5 %\s+\S+$/m);
    expect(status).not.toMatch(/^humidity\s+\?/m);
  });
});
