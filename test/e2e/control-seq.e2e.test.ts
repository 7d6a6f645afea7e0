/* "Done" means it moved: a controller addressing the device directly (XEP-0325 or chat, with a
 * huge `seq`) cannot lock out the hub's sequence, because the device keeps the last seq per
 * channel and issuer; and a command the device does not apply is answered as not applied. Real
 * Prosody, hub and agent; the relay's state is read back from the device and its actuator log.
 * References: docs/design.md §2 (command metadata), docs/protocol.md ("XEP-0325 control"). */
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { type CommandMeta, makeCommandMeta, makeControlSet } from "../../shared/xmpp/control";
import { eventually } from "../helpers/agent/e2e";
import { type Agent, hubInbox, type Inbox, provision, say, stack, startAgent } from "./control-setup";
import type { TestServer } from "./server";

const ID = "seq-1";
const AGENT = `${ID}@localhost/agent`;

describe("seq per channel and issuer", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let inbox: Inbox;
  let agent: Agent;

  const direct = (value: boolean, cmd: CommandMeta) =>
    alice.request(
      xml("iq", { type: "set", to: AGENT }, makeControlSet([{ name: "relay", type: "boolean", value }], cmd)),
    );
  /** Chats the device itself, with a `<cmd/>`, and resolves with its reply. */
  const chatDevice = (text: string, cmd: CommandMeta) =>
    new Promise<string>((resolve) => {
      const on = (s: Element) => {
        if (!s.is("message") || !String(s.attrs.from).startsWith(`${ID}@localhost/`)) return;
        const body = s.getChildText("body");
        if (body === null) return;
        alice.xmpp.off("stanza", on);
        resolve(body);
      };
      alice.xmpp.on("stanza", on);
      void alice.send(
        xml("message", { to: AGENT, type: "chat" }, xml("body", {}, text), makeCommandMeta(cmd)),
      );
    });
  const cmd = (id: string, seq: number): CommandMeta => ({ id, issued: Date.now(), ttl: 5000, seq });

  beforeAll(async () => {
    const s = await stack();
    server = s.server;
    await server.hub(s.hubArgs);
    alice = await server.client(await server.register("alice"));
    inbox = hubInbox(alice);
    const device = await provision(server, s.admin, ID);
    expect(await say(alice, inbox, `claim ${ID} ${device.claimKey}`)).toBe(`${ID} is yours now.`);
    agent = startAgent(server, device.account);
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

  it("a direct XEP-0325 seq=1000000 does not make the hub's next command a silent no-op", async () => {
    await direct(true, cmd("alice-x1", 1_000_000));
    expect(agent.actuators().at(-1)).toMatchObject({ value: true, from: "alice@localhost", cmd: "alice-x1" });
    expect(await say(alice, inbox, `${ID} relay off`)).toBe(`Done: ${ID} relay is off.`);
    expect(agent.actuators().at(-1)).toMatchObject({ value: false, from: "hub.localhost", via: "xep-0325" });
    expect(await say(alice, inbox, `${ID} relay?`)).toBe(`${ID} relay: off`);
  });

  it("a direct chat with seq=2000000 does not either; its own lower seq is answered as not applied", async () => {
    expect(await chatDevice("relay on", cmd("alice-c1", 2_000_000))).toBe("Done: relay is on.");
    expect(await say(alice, inbox, `${ID} relay off`)).toBe(`Done: ${ID} relay is off.`);
    expect(await say(alice, inbox, `${ID} relay?`)).toBe(`${ID} relay: off`);
    const before = agent.actuators().length;
    expect(await chatDevice("relay on", cmd("alice-c2", 1_999_999))).toBe(
      "Refused: a newer command for relay was applied first; this one was not applied (seq 1999999 < 2000000).",
    );
    expect(agent.actuators().length).toBe(before);
  });
});
