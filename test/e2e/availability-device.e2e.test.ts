/* Device availability against a real Prosody and hub: directed presence from the agent, a clean
 * disconnect, silence in readings (stale), and a connection cut without a close while stream
 * management keeps the session (only the hub's pings notice). */
import { client as xmppClient } from "@xmpp/client";
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AvailabilityPayload, parseAvailability } from "../../hub/availability/payload";
import { makeReadingsPayload } from "../../shared/exi/payload";
import { hubJid } from "../../shared/jid";
import { availabilityNode, readingsNode } from "../../shared/model";
import { runCommand } from "../../shared/xmpp/adhoc";
import { type ClientConnection, useNativeScram } from "../../shared/xmpp/client";
import { NS_XIOT_PROVISIONING } from "../../shared/xmpp/ns";
import { makeItems, makePublish, makeSubscribe, parseItemsResult } from "../../shared/xmpp/pubsub";
import { parseItemsEvent } from "../../shared/xmpp/pubsub-events";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";
import { type Account, startServer, type TestServer } from "./server";

const HUB = hubJid("localhost");
const NODE = availabilityNode("porch-1");

/** Availability notifications as they reach a subscriber; `next` waits for a matching one. */
function watch(client: ClientConnection) {
  const seen: AvailabilityPayload[] = [];
  const waiters: { match: (p: AvailabilityPayload) => boolean; resolve: (p: AvailabilityPayload) => void }[] =
    [];
  client.xmpp.on("stanza", (stanza: Element) => {
    const event = parseItemsEvent(stanza);
    if (event?.node !== NODE) return;
    for (const item of event.items) {
      const payload = parseAvailability(item.getChildElements()[0]);
      if (!payload) continue;
      seen.push(payload);
      for (const w of [...waiters]) {
        if (w.match(payload)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(payload);
        }
      }
    }
  });
  return {
    seen,
    /** The next notification (after `from` seen so far) with this state. */
    next(state: string, timeoutMs = 15_000): Promise<AvailabilityPayload> {
      const already = seen.length;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${state} within ${timeoutMs} ms; seen ${JSON.stringify(seen)}`)),
          timeoutMs,
        );
        const early = seen.slice(already).find((p) => p.state === state);
        if (early) {
          clearTimeout(timer);
          resolve(early);
          return;
        }
        waiters.push({
          match: (p) => p.state === state,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        });
      });
    },
  };
}

describe("device availability", () => {
  let server: TestServer;
  let admin: ClientConnection;
  let device: Account;
  let proxy: TcpProxy | undefined;
  let events: ReturnType<typeof watch>;

  beforeAll(async () => {
    server = await startServer(["--admins", "admin@localhost"]);
    const adminAccount = await server.register("admin");
    await server.hub([
      "--hub.admins",
      "admin@localhost",
      "--availability.pingIntervalMs",
      "500",
      "--availability.pingTimeoutMs",
      "1500",
      "--availability.staleAfterMs",
      "2500",
    ]);
    admin = await server.client(adminAccount);
    const r = await runCommand(admin.request, {
      to: HUB,
      node: "urn:xiot:provisioning:provision",
      fields: { device: "porch-1", model: "sim-thermometer" },
    });
    expect(r.status).toBe("completed");
    device = await server.register("porch-1");
    events = watch(admin);
    await admin.request(makeSubscribe(HUB, NODE, admin.jid()));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it("online on directed presence, stale after silence, online with a reading, offline on a clean close", async () => {
    const agent = await server.client(device, "agent");
    const online = events.next("online");
    const started = Date.now();
    await agent.send(xml("presence", { to: HUB }));
    expect(await online).toMatchObject({ state: "online", reason: "presence" });

    // Connected and answering pings, but no readings: stale after staleAfterMs.
    const stale = await events.next("stale");
    expect(stale.reason).toBe("silence");
    expect(stale.since - started).toBeGreaterThanOrEqual(2500 - 100);

    const back = events.next("online");
    const reading = {
      v: 1,
      dev: "porch-1",
      boot: "b1",
      seq: 1,
      clk: "sync",
      r: [{ c: "temperature", t: Date.now(), v: 1 }],
    };
    await agent.request(
      makePublish(HUB, readingsNode("porch-1"), makeReadingsPayload(reading, "json"), { id: "b1-1" }),
    );
    expect((await back).reason).toBe("reading");

    const offline = events.next("offline");
    await agent.stop();
    expect((await offline).reason).toBe("unavailable");
    // The item the hub keeps says the same (a late subscriber reads it).
    const item = parseItemsResult(await admin.request(makeItems(HUB, NODE))).items[0];
    expect(item?.attrs.id).toBe("current");
    expect(parseAvailability(item?.getChildElements()[0])?.state).toBe("offline");
  });

  it("a cut connection whose session stream management keeps goes offline by the ping timeout", async () => {
    proxy = await startTcpProxy({ host: "127.0.0.1", port: server.ports.c2s });
    // A plain @xmpp/client: stream management on, as a phone or a naive agent would have it.
    const raw = xmppClient({
      service: proxy.url,
      domain: "localhost",
      resource: "agent",
      username: device.username,
      password: device.password,
    });
    useNativeScram(raw);
    raw.on("error", () => {
      // The cut makes the socket fail; nothing to do, the test watches the hub.
    });
    await raw.start();
    const online = events.next("online");
    await raw.send(xml("presence", { to: HUB }));
    await online;
    // A round trip on the same stream: the server's <enabled/> came before this answer.
    await raw.iqCaller.request(
      xml("iq", { type: "get", to: "localhost" }, xml("ping", { xmlns: "urn:xmpp:ping" })),
    );
    expect(raw.streamManagement.enabled).toBe(true);
    raw.reconnect.stop(); // no resumption: the session stays hibernating on the server
    const offline = events.next("offline");
    const cutAt = Date.now();
    proxy.cut("reset");
    const payload = await offline;
    expect(payload.reason).toBe("ping-timeout");
    // At most one ping interval plus the timeout (and a tick), with slack for a loaded machine.
    expect(payload.since - cutAt).toBeLessThan(500 + 1500 + 2000);
    // The registry listing agrees.
    const list = await admin.request(
      xml("iq", { type: "get", to: HUB }, xml("devices", { xmlns: NS_XIOT_PROVISIONING })),
    );
    expect(list.getChild("devices", NS_XIOT_PROVISIONING)?.getChild("device")?.attrs.availability).toBe(
      "offline",
    );
  });
});
