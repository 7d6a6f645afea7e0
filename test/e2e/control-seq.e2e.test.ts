/* "Done" means it moved: a controller addressing the device directly (XEP-0325 or chat, with a
 * huge `seq`) cannot lock out the hub's sequence, because the device keeps the last seq per
 * channel and issuer; and a command the device does not apply is answered as not applied, with
 * `<stale-seq/>` on the wire, and the hub (its seqs rolled back, as a restored backup would) says
 * a newer command ran, in chat, from `xiot set` and in its control log. Real Prosody, hub, agent
 * and CLI; the relay's state is read back from the device and its actuator log.
 * References: docs/design.md §2 (command metadata), docs/protocol.md ("XEP-0325 control"). */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { type CommandMeta, makeCommandMeta, makeControlSet } from "../../shared/xmpp/control";
import { NS_XIOT_COMMAND } from "../../shared/xmpp/ns";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import { eventually } from "../helpers/agent/e2e";
import { type CliProcess, runXiot } from "../helpers/cli";
import {
  type Agent,
  controlLog,
  hubInbox,
  type Inbox,
  provision,
  say,
  stack,
  startAgent,
} from "./control-setup";
import type { Account, TestServer } from "./server";

const ID = "seq-1";
const AGENT = `${ID}@localhost/agent`;

describe("seq per channel and issuer", () => {
  let server: TestServer;
  let hubArgs: string[];
  let hub: CliProcess;
  let aliceAccount: Account;
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
    hubArgs = s.hubArgs;
    hub = await server.hub(hubArgs);
    aliceAccount = await server.register("alice");
    alice = await server.client(aliceAccount);
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

  it("a direct XEP-0325 lower seq is cancel/conflict with <stale-seq/> naming the channel", async () => {
    await direct(true, cmd("alice-x2", 3_000_001));
    const before = agent.actuators().length;
    const error = await direct(false, cmd("alice-x3", 2_999_999)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StanzaError);
    expect(error).toMatchObject({
      type: "cancel",
      condition: "conflict",
      text: "a newer command for relay was applied first; this one was not applied (seq 2999999 < 3000001)",
    });
    const app = (error as StanzaError).application;
    expect([app?.name, app?.attrs]).toEqual(["stale-seq", { xmlns: NS_XIOT_COMMAND, var: "relay" }]);
    expect(agent.actuators().length).toBe(before);
  });

  it("the hub, its seqs rolled back, says a newer command ran: in chat, from xiot set, in its control log", async () => {
    // Two more of the hub's own commands: the device's last seq from the hub is now 4.
    expect(await say(alice, inbox, `${ID} relay on`)).toBe(`Done: ${ID} relay is on.`);
    expect(await say(alice, inbox, `${ID} relay off`)).toBe(`Done: ${ID} relay is off.`);
    // The hub's control file as a backup from before those commands would bring it back.
    await hub.stop();
    const db = new Database(join(server.dir, "hub", "control.sqlite"));
    try {
      expect(
        db.prepare("UPDATE control_seq SET seq = 0 WHERE device = ? AND channel = 'relay'").run(ID).changes,
      ).toBe(1);
    } finally {
      db.close();
    }
    hub = await server.hub(hubArgs);
    await eventually(
      async () => (await say(alice, inbox, `status ${ID}`)).startsWith(`${ID}: online`),
      15_000,
      300,
    );
    const before = agent.actuators().length;
    const words = `a newer command for ${ID} relay already ran`;
    expect(await say(alice, inbox, `${ID} relay on`)).toBe(`Refused: ${words}.`);
    const set = await xiotAs(aliceAccount, "set", ID, "relay", "on", "--json");
    expect(set.code).toBe(1);
    expect(JSON.parse(set.out)).toMatchObject({
      ready: false,
      outcome: "refused",
      reason: "stale-seq",
      text: `Refused: ${words}.`,
    });
    expect(agent.actuators().length).toBe(before);
    const outcomes = controlLog(server, ID)
      .slice(-4)
      .map((e) => [e.outcome, e.detail]);
    expect(outcomes).toEqual([
      ["issued", "chat, ttl 8000 ms"],
      ["refused", words],
      ["issued", "adhoc, ttl 8000 ms"],
      ["refused", words],
    ]);
  });

  /** Runs `xiot` as `account`, against this stack's server (its server.json). */
  async function xiotAs(account: Account, ...args: string[]) {
    const dir = mkdtempSync(join(tmpdir(), "xiot-stack-"));
    mkdirSync(join(dir, "server"));
    copyFileSync(join(server.dir, "server.json"), join(dir, "server", "server.json"));
    writeFileSync(join(dir, "accounts.json"), JSON.stringify({ demo: account }), { mode: 0o600 });
    const p = runXiot([...args, "--dir", dir, "--log.level", "warn"]);
    const { code } = await p.exited;
    return { code, out: p.stdout.map((l) => l.text).join("\n"), err: p.stderr.map((l) => l.text).join("\n") };
  }
});
