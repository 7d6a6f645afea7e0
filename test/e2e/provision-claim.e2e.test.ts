/* Ownership against a real Prosody and hub: claim by chat, share read (subscribe, items,
 * notifications), unshare (refused from then on, no more notifications), claim brute force
 * locked out while the legitimate claim still works afterwards, and `xiot devices`. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeviceLine } from "../../cli/commands/devices";
import { runCommand } from "../../shared/xmpp/adhoc";
import type { ClientConnection } from "../../shared/xmpp/client";
import { NS_PUBSUB, NS_PUBSUB_EVENT, NS_XIOT_PROVISIONING } from "../../shared/xmpp/ns";
import { say } from "../helpers/chat";
import { runXiot } from "../helpers/cli";
import { type Account, startServer, type TestServer } from "./server";

const HUB = "hub.localhost";

/** Provisions a device through the hub's command and registers its account and registration. */
async function provisionDevice(server: TestServer, admin: ClientConnection, id: string) {
  const r = await runCommand(admin.request, {
    to: HUB,
    node: "urn:xiot:provisioning:provision",
    fields: { device: id, model: "sim-thermometer" },
  });
  const field = (name: string) => r.form?.fields.get(name)?.[0] ?? "";
  const device = await server.register(id);
  const agent = await server.client(device, "agent");
  await agent.request(
    xml(
      "iq",
      { type: "set", to: HUB },
      xml("register", { xmlns: NS_XIOT_PROVISIONING, secret: field("registration-secret") }),
    ),
  );
  return { agent, claimKey: field("claim-key"), device };
}

const readings = (n: number) =>
  xml(
    "readings",
    { xmlns: "urn:xiot:readings:0", encoding: "json" },
    JSON.stringify({
      v: 1,
      dev: "kitchen-1",
      boot: "b1",
      seq: n,
      clk: "sync",
      r: [{ c: "temperature", t: Date.now(), v: 20 + n }],
    }),
  );

function publish(agent: ClientConnection, n: number) {
  return agent.request(
    xml(
      "iq",
      { type: "set", to: HUB },
      xml(
        "pubsub",
        { xmlns: NS_PUBSUB },
        xml("publish", { node: "devices/kitchen-1/readings" }, xml("item", { id: `b1-${n}` }, readings(n))),
      ),
    ),
  );
}

/** Item ids of readings notifications that reach a client. */
function inbox(client: ClientConnection): string[] {
  const ids: string[] = [];
  client.xmpp.on("stanza", (stanza: Element) => {
    const items = stanza.is("message")
      ? stanza.getChild("event", NS_PUBSUB_EVENT)?.getChild("items")
      : undefined;
    if (items?.attrs.node === "devices/kitchen-1/readings")
      ids.push(...items.getChildren("item").map((i) => String(i.attrs.id)));
  });
  return ids;
}

const pubsubIq = (client: ClientConnection, type: "get" | "set", child: Element) =>
  client.request(xml("iq", { type, to: HUB }, xml("pubsub", { xmlns: NS_PUBSUB }, child)));

describe("claiming and sharing a provisioned device", () => {
  let server: TestServer;
  let adminAccount: Account;
  let admin: ClientConnection;
  let alice: ClientConnection;
  let bob: ClientConnection;
  let eve: ClientConnection;
  let agent: ClientConnection;
  let claimKey: string;

  beforeAll(async () => {
    server = await startServer(["--admins", "admin@localhost"]);
    adminAccount = await server.register("admin");
    writeFileSync(join(server.dir, "accounts.json"), JSON.stringify({ admin: adminAccount }), {
      mode: 0o600,
    });
    await server.hub([
      "--hub.admins",
      "admin@localhost",
      "--devices.lockout.freeFailures",
      "3",
      "--devices.lockout.baseMs",
      "1500",
    ]);
    admin = await server.client(adminAccount);
    ({ agent, claimKey } = await provisionDevice(server, admin, "kitchen-1"));
    alice = await server.client(await server.register("alice"));
    bob = await server.client(await server.register("bob"));
    eve = await server.client(await server.register("eve"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("locks a key guesser out, and the owner's claim works once the lockout ends", async () => {
    const replies: string[] = [];
    for (let i = 0; i < 6; i++) replies.push(await say(eve, `claim kitchen-1 ${"A".repeat(31)}${i}`));
    expect(replies.slice(0, 2)).toEqual(Array(2).fill("That key does not claim kitchen-1."));
    expect(replies.slice(3).every((r) => r.startsWith("Too many wrong keys. Try again in"))).toBe(true);
    // Locked: even the right key is refused now, before it is looked at.
    expect(await say(alice, `claim kitchen-1 ${claimKey}`)).toMatch(/^Too many wrong keys/);
    // The lock is 1.5 s: ask until the reply changes, without a fixed sleep.
    const deadline = Date.now() + 10_000;
    let reply = "";
    while (Date.now() < deadline) {
      reply = await say(alice, `claim kitchen-1 ${claimKey}`);
      if (!reply.startsWith("Too many")) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(reply).toBe("kitchen-1 is yours now.");
  });

  it("shares read: the reader subscribes and gets readings; unshared: refused and no more notifications", async () => {
    expect(await say(alice, "share kitchen-1 with bob@localhost read")).toBe(
      "bob@localhost may now read kitchen-1.",
    );
    const bobSeen = inbox(bob);
    const sub = await pubsubIq(
      bob,
      "set",
      xml("subscribe", { node: "devices/kitchen-1/readings", jid: bob.jid() }),
    );
    expect(sub.getChild("pubsub", NS_PUBSUB)?.getChild("subscription")?.attrs.subscription).toBe(
      "subscribed",
    );
    await publish(agent, 1);
    // Bob's notification comes before the answer to his next IQ to the hub (the hub answers in order).
    const items = await pubsubIq(bob, "get", xml("items", { node: "devices/kitchen-1/readings" }));
    expect(
      items
        .getChild("pubsub", NS_PUBSUB)
        ?.getChild("items")
        ?.getChildren("item")
        .map((i) => i.attrs.id),
    ).toEqual(["b1-1"]);
    expect(bobSeen).toEqual(["b1-1"]);

    const revoked = new Promise<Element>((resolve) =>
      agent.xmpp.on("stanza", (stanza: Element) => {
        const r = stanza.is("message") ? stanza.getChild("revoked", NS_XIOT_PROVISIONING) : undefined;
        if (r) resolve(r);
      }),
    );
    expect(await say(alice, "unshare kitchen-1 bob@localhost")).toBe(
      "bob@localhost no longer has access to kitchen-1.",
    );
    // The device's agent is told at once, to drop its cached decision.
    expect((await revoked).attrs).toMatchObject({ device: "kitchen-1", jid: "bob@localhost", left: "none" });
    await publish(agent, 2);
    const resubscribe = pubsubIq(
      bob,
      "set",
      xml("subscribe", { node: "devices/kitchen-1/readings", jid: bob.jid() }),
    );
    await expect(resubscribe).rejects.toMatchObject({ condition: "not-allowed" }); // XEP-0060 §6.1.3.4, §6.5.9.6: closed-node;
    const again = pubsubIq(bob, "get", xml("items", { node: "devices/kitchen-1/readings" }));
    await expect(again).rejects.toMatchObject({ condition: "not-allowed" }); // XEP-0060 §6.1.3.4, §6.5.9.6: closed-node;
    await publish(agent, 3);
    await say(bob, "help"); // a round trip through the hub after the publish
    expect(bobSeen).toEqual(["b1-1"]);
  });

  it("xiot devices lists the device with model, owner and availability", async () => {
    await agent.send(xml("presence", { to: HUB }));
    await say(alice, "help"); // the presence is handled before this reply
    const proc = runXiot(["devices", "--dir", server.dir, "--json"]);
    const { devices } = await proc.ready<{ devices: DeviceLine[] }>();
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({
      id: "kitchen-1",
      model: "sim-thermometer",
      state: "registered",
      owner: "alice@localhost",
      availability: "online",
      role: "admin",
    });
    expect(Date.parse(devices[0]?.lastReading ?? "")).toBeGreaterThan(Date.now() - 60_000);
    const table = runXiot(["devices", "--dir", server.dir]);
    expect((await table.exited).code).toBe(0);
    expect(table.stdout.map((l) => l.text).join("\n")).toMatch(
      /kitchen-1\s+sim-thermometer\s+alice@localhost\s+online/,
    );
  });
});
