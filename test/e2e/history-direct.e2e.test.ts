/* The history of a device, end to end with real Prosody, hub and agent processes: commands sent straight
 * to the device (chat to its JID, not through the hub) and through the hub both appear in
 * `history`, newest first, ten lines a page, in the words the person typed, with dates. The
 * device's state item tells the hub of every actuation and who asked for it. */
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { eventually } from "../helpers/agent/e2e";
import { type Agent, hubInbox, type Inbox, provision, say, stack, startAgent } from "./control-setup";
import type { TestServer } from "./server";

const ID = "porch-1";
const AGENT = `${ID}@localhost/agent`;
const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}/;

/** Sends a chat message to the device itself and resolves with its reply. */
function sayToDevice(client: ClientConnection, text: string): Promise<string> {
  const reply = new Promise<string>((resolve) => {
    const onStanza = (s: Element) => {
      if (!s.is("message") || s.attrs.from !== AGENT || s.getChildText("body") === null) return;
      client.xmpp.removeListener("stanza", onStanza);
      resolve(s.getChildText("body") ?? "");
    };
    client.xmpp.on("stanza", onStanza);
  });
  void client.send(xml("message", { to: AGENT, type: "chat" }, xml("body", {}, text)));
  return reply;
}

describe("history of a device", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let inbox: Inbox;
  let agent: Agent;

  beforeAll(async () => {
    const s = await stack();
    server = s.server;
    await server.hub(s.hubArgs);
    const device = await provision(server, s.admin, ID);
    alice = await server.client(await server.register("alice"));
    inbox = hubInbox(alice);
    expect(await say(alice, inbox, `claim ${ID} ${device.claimKey}`)).toBe(`${ID} is yours now.`);
    agent = startAgent(server, device.account); // the owner may control it directly (the hub decides)
    await agent.proc.ready(30_000);
    await eventually(
      async () => (await say(alice, inbox, `status ${ID}`)).startsWith(`${ID}: online`),
      15_000,
      300,
    );
  });
  afterAll(async () => {
    await agent?.proc.stop();
    await server?.stop();
  });

  it("lists commands sent straight to the device and through the hub, newest first, with dates", async () => {
    expect(await sayToDevice(alice, "relay on")).toBe("Done: relay is on.");
    expect(await say(alice, inbox, `${ID} relay off`)).toBe(`Done: ${ID} relay is off.`);
    let lines: string[] = [];
    await eventually(async () => {
      lines = (await say(alice, inbox, `history ${ID}`)).split("\n");
      return lines.some((l) => l.endsWith("relay on  by alice@localhost (chat)"));
    }, 15_000);
    expect(lines[0]).toBe(`History of ${ID}, newest first (UTC):`);
    const body = lines.slice(1);
    expect(body.every((l) => LINE.test(l))).toBe(true);
    expect(body.map((l) => l.replace(LINE, ""))).toEqual([
      "relay off  by alice@localhost (chat)",
      "relay on  by alice@localhost (chat)",
      "claim (owner)  by alice@localhost",
      "provision (xiot-simulated)  by admin@localhost",
    ]);
    const times = body.map((l) => Date.parse(`${l.slice(0, 19).replace(" ", "T")}Z`));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(Math.abs((times[0] as number) - Date.now())).toBeLessThan(60_000);
  });

  it("shows ten lines a page and says how to ask for the rest", async () => {
    for (const word of ["on", "off", "on", "off", "on", "off", "on", "off", "on"])
      expect(await sayToDevice(alice, `relay ${word}`)).toBe(`Done: relay is ${word}.`);
    // 2 + 9 actuations, the claim and the provisioning: 13 lines.
    let first: string[] = [];
    await eventually(async () => {
      first = (await say(alice, inbox, `history ${ID}`)).split("\n");
      return first.at(-1) === `… 3 more: history ${ID} 2`;
    }, 15_000);
    expect(first).toHaveLength(12);
    expect(first[1]?.replace(LINE, "")).toBe("relay on  by alice@localhost (chat)");
    const second = (await say(alice, inbox, `history ${ID} 2`)).split("\n");
    expect(second.map((l) => l.replace(LINE, ""))).toEqual([
      `History of ${ID}, page 2:`,
      "relay on  by alice@localhost (chat)",
      "claim (owner)  by alice@localhost",
      "provision (xiot-simulated)  by admin@localhost",
    ]);
    expect(await say(alice, inbox, `history ${ID} two`)).toBe(
      `"two" is not a page number. Usage: history <device> [<page>]`,
    );
  });
});
