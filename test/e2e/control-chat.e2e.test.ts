/* Actuator control through the hub, end to end: real Prosody, hub and agent processes. A person
 * chats `kitchen-1 relay on` to the hub; the hub sends an XEP-0325 set with command metadata to
 * the agent; the relay switches; the reply, the device's state node and its actuator log agree.
 * Refusals move nothing; spoofed senders and groupchat change nothing. */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stateNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { NS_PUBSUB } from "../../shared/xmpp/ns";
import { eventually } from "../helpers/agent/e2e";
import { runXiot } from "../helpers/cli";
import {
  type Agent,
  controlLog,
  HUB,
  hubInbox,
  type Inbox,
  provision,
  say,
  stack,
  startAgent,
} from "./control-setup";
import type { Account, TestServer } from "./server";

const ID = "kitchen-1";

describe("control by chat through the hub", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let bob: ClientConnection;
  let eve: ClientConnection;
  let aliceInbox: Inbox;
  let bobInbox: Inbox;
  let eveInbox: Inbox;
  let agent: Agent;
  let aliceAccount: Account;

  beforeAll(async () => {
    const s = await stack();
    server = s.server;
    await server.hub(s.hubArgs);
    const device = await provision(server, s.admin, ID);
    aliceAccount = await server.register("alice");
    alice = await server.client(aliceAccount);
    bob = await server.client(await server.register("bob"));
    eve = await server.client(await server.register("eve"));
    [aliceInbox, bobInbox, eveInbox] = [hubInbox(alice), hubInbox(bob), hubInbox(eve)];
    expect(await say(alice, aliceInbox, `claim ${ID} ${device.claimKey}`)).toBe(`${ID} is yours now.`);
    expect(await say(alice, aliceInbox, `share ${ID} with bob@localhost read`)).toBe(
      `bob@localhost may now read ${ID}.`,
    );
    agent = startAgent(server, device.account);
    await agent.proc.ready(30_000);
    await eventually(
      async () => (await say(alice, aliceInbox, `status ${ID}`)).startsWith(`${ID}: online`),
      15_000,
      300,
    );
  });
  afterAll(async () => {
    await agent?.proc.stop();
    await server?.stop();
  });

  const stateRelay = async (): Promise<unknown> => {
    const result = await alice.request(
      xml(
        "iq",
        { type: "get", to: HUB },
        xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node: stateNode(ID) })),
      ),
    );
    const item = result.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.getChild("item");
    const payload = item?.getChildElements()[0];
    if (!payload) return undefined;
    const state = JSON.parse(payload.getText()) as {
      actuators: Record<string, { v: unknown }>;
    };
    return state.actuators.relay?.v;
  };

  it("switches the relay and reports the new state; the state node and the actuator log agree", async () => {
    expect(await say(alice, aliceInbox, `${ID} relay on`)).toBe(`Done: ${ID} relay is on.`);
    const last = agent.actuators().at(-1);
    // The device's own report of the change (its state item) may be logged before or after the
    // command's outcome: the command is the last entry that is not a report.
    const log = controlLog(server, ID);
    const done = log.findLast((e) => e.outcome !== "reported");
    expect(done).toMatchObject({ actor: "alice@localhost", command: "relay=true", outcome: "done" });
    expect(last).toMatchObject({ channel: "relay", value: true, from: HUB, via: "xep-0325", cmd: done?.id });
    await eventually(async () => (await stateRelay()) === true, 10_000);
    expect(await say(alice, aliceInbox, `${ID} relay?`)).toBe(`${ID} relay: on`);
    expect(await say(alice, aliceInbox, `${ID} set relay off`)).toBe(`Done: ${ID} relay is off.`);
    await eventually(async () => (await stateRelay()) === false, 10_000);
    const status = await say(bob, bobInbox, `status ${ID}`);
    expect(status).toMatch(/relay\s+off/);
    expect(status).toMatch(/temperature\s+-?\d/);
    // Every channel has its newest value, whichever readings document carried it.
    await eventually(
      async () => /^humidity\s+\d/m.test(await say(bob, bobInbox, `status ${ID}`)),
      15_000,
      500,
    );
    const history = (await say(alice, aliceInbox, `history ${ID}`)).split("\n");
    expect(history.slice(0, 3).map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}/, ""))).toEqual([
      `History of ${ID}, newest first (UTC):`,
      "relay off  by alice@localhost (chat)",
      "relay on  by alice@localhost (chat)",
    ]);
    expect(history.some((l) => l.includes("claim"))).toBe(true);
  });

  it("refuses a reader, a stranger and a sensor; nothing moves", async () => {
    const before = agent.actuators().length;
    expect(await say(bob, bobInbox, `${ID} relay on`)).toBe(
      `Refused: you may read ${ID} but not control it.`,
    );
    // A stranger cannot tell a device that exists from one that does not.
    expect(await say(eve, eveInbox, `${ID} relay on`)).toBe(`Refused: no device ${ID} that you can see.`);
    expect(await say(eve, eveInbox, `status ${ID}`)).toBe(`No device ${ID} that you can see.`);
    expect(await say(eve, eveInbox, "status kitchen-9")).toBe("No device kitchen-9 that you can see.");
    expect(await say(alice, aliceInbox, `${ID} temperature on`)).toBe(
      "Refused: temperature is a sensor, not an actuator.",
    );
    expect(await say(alice, aliceInbox, `${ID} relay maybe`)).toContain("I don't understand");
    expect(await say(alice, aliceInbox, `stauts ${ID}`)).toBe(`Did you mean "status ${ID}"?`);
    expect(await say(alice, aliceInbox, `${ID} temprature`)).toBe(
      `${ID} has no channel "temprature"; its channels: temperature, humidity, relay.`,
    );
    expect(await say(bob, bobInbox, "devices")).toMatch(
      new RegExp(`^Your devices: ${ID} \\(read, online since `),
    );
    expect(agent.actuators().length).toBe(before);
  });

  it("takes no authority from a fake carbon, <delay from>, XEP-0033 addresses or text, and never answers groupchat", async () => {
    const before = agent.actuators().length;
    const replies = eveInbox.bodies.length;
    const body = xml("body", {}, `${ID} relay on`);
    const inner = xml("message", { from: "alice@localhost/phone", to: HUB, type: "chat" }, body);
    const forwarded = xml("forwarded", { xmlns: "urn:xmpp:forward:0" }, inner);
    await eve.send(
      xml("message", { to: HUB, type: "chat" }, xml("sent", { xmlns: "urn:xmpp:carbons:2" }, forwarded)),
    );
    await eve.send(xml("message", { to: HUB, type: "groupchat" }, xml("body", {}, `${ID} relay on`)));
    const delayed = xml(
      "message",
      { to: HUB, type: "chat" },
      xml("body", {}, `${ID} relay on`),
      xml("delay", { xmlns: "urn:xmpp:delay", from: "alice@localhost", stamp: new Date().toISOString() }),
      xml(
        "addresses",
        { xmlns: "http://jabber.org/protocol/address" },
        xml("address", { type: "ofrom", jid: "alice@localhost" }),
      ),
    );
    const refusal = eveInbox.next();
    await eve.send(delayed);
    expect(await refusal).toBe(`Refused: no device ${ID} that you can see.`);
    expect(await say(eve, eveInbox, `as admin: ${ID} relay on`)).toContain("I don't understand");
    expect(await say(eve, eveInbox, "help")).toContain("Commands:");
    // Exactly one reply per command: the carbon and the groupchat got none.
    expect(eveInbox.bodies.slice(replies).map((b) => b.slice(0, 12))).toEqual([
      "Refused: no ",
      "I don't unde",
      "Commands:\nde",
    ]);
    expect(eveInbox.bodies.filter((b) => b.startsWith("Done"))).toEqual([]);
    expect(agent.actuators().length).toBe(before);
  });

  it("xiot set and xiot get as the stack's demo user; failures exit non-zero with the outcome", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-stack-"));
    mkdirSync(join(dir, "server"));
    copyFileSync(join(server.dir, "server.json"), join(dir, "server", "server.json"));
    writeFileSync(join(dir, "accounts.json"), JSON.stringify({ demo: aliceAccount }), { mode: 0o600 });
    const xiot = async (...args: string[]) => {
      const p = runXiot([...args, "--dir", dir, "--log.level", "warn"]);
      const { code } = await p.exited;
      return {
        code,
        out: p.stdout.map((l) => l.text).join("\n"),
        err: p.stderr.map((l) => l.text).join("\n"),
      };
    };
    expect(await xiot("set", ID, "relay", "on")).toMatchObject({ code: 0, out: `Done: ${ID} relay is on.` });
    expect(agent.actuators().at(-1)).toMatchObject({ channel: "relay", value: true, via: "xep-0325" });
    expect(await xiot("get", ID, "relay")).toMatchObject({ code: 0, out: `${ID} relay: on` });
    const status = await xiot("get", ID);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(new RegExp(`^${ID}: online`));
    const refused = await xiot("set", ID, "temperature", "5");
    expect(refused).toMatchObject({ code: 1, err: "Refused: temperature is a sensor, not an actuator." });
    expect(await xiot("set", ID, "relay")).toMatchObject({ code: 2 });
  });

  it("says offline at once when the agent has gone, and the command never runs later", async () => {
    expect(await agent.proc.stop("SIGTERM")).toMatchObject({ code: 0 });
    const before = agent.actuators().length; // the safe state was logged at shutdown
    await eventually(
      async () => (await say(alice, aliceInbox, `status ${ID}`)).startsWith(`${ID}: offline`),
      15_000,
      300,
    );
    const t0 = Date.now();
    expect(await say(alice, aliceInbox, `${ID} relay on`)).toBe(
      `${ID} is offline; the command was not delivered and will not run later. Try again when it is back.`,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
    agent = startAgent(server, agent.account, { stateDir: agent.stateDir });
    await agent.proc.ready(30_000);
    await eventually(
      async () => (await say(alice, aliceInbox, `status ${ID}`)).startsWith(`${ID}: online`),
      15_000,
      300,
    );
    expect(await say(alice, aliceInbox, `${ID} relay?`)).toBe(`${ID} relay: off`);
    expect(agent.actuators().length).toBe(before);
  });
});
