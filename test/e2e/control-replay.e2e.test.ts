/* Commands that arrive twice, late or never: the hub's link drops with a command out and the
 * hub sends it again (same id) after reconnecting: the relay moves once; a command held past its
 * TTL reaches the agent and is refused; an agent killed without a goodbye gets nothing, and a
 * chat command that waited in the server's offline store is refused when the agent returns. */
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { eventually } from "../helpers/agent/e2e";
import {
  type Agent,
  controlLog,
  hubInbox,
  type Inbox,
  provision,
  say,
  stack,
  startAgent,
  startHoldingProxy,
} from "./control-setup";
import type { Account, TestServer } from "./server";

const ID = "porch-2";
const TTL = 2000;
/** The hub waits longer than the TTL plus the agent's clock error (±0.5 s, docs/protocol.md), so
 * once it says "timed out" the command can no longer run. */
const TIMEOUT = 3500;

describe("command replay, TTL and offline delivery", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let inbox: Inbox;
  let device: Account;
  let agent: Agent;
  let agentProxy: Awaited<ReturnType<typeof startHoldingProxy>>;
  let hubProxy: Awaited<ReturnType<typeof startHoldingProxy>>;
  const run = (stateDir?: string) =>
    startAgent(server, device, { service: agentProxy.url, ...(stateDir && { stateDir }) });
  const issued = (command: string) =>
    controlLog(server, ID).filter(
      (e) => e.outcome === "issued" && e.command === command && e.actor !== "hub.localhost",
    );

  beforeAll(async () => {
    const s = await stack();
    server = s.server;
    hubProxy = await startHoldingProxy(server.ports.component);
    agentProxy = await startHoldingProxy(server.ports.c2s);
    await server.hub([
      ...s.hubArgs,
      "--xmpp.service",
      hubProxy.url,
      "--xmpp.reconnect.initialMs",
      "100",
      "--xmpp.reconnect.maxMs",
      "200",
      "--control.timeoutMs",
      String(TIMEOUT),
      "--control.ttlMs",
      String(TTL),
    ]);
    const p = await provision(server, s.admin, ID);
    device = p.account;
    alice = await server.client(await server.register("alice"));
    inbox = hubInbox(alice);
    expect(await say(alice, inbox, `claim ${ID} ${p.claimKey}`)).toBe(`${ID} is yours now.`);
    agent = run();
    await agent.proc.ready(30_000);
    await eventually(
      async () => (await say(alice, inbox, `status ${ID}`)).startsWith(`${ID}: online`),
      15_000,
      300,
    );
  });
  afterAll(async () => {
    agentProxy?.release();
    await agent?.proc.stop();
    await server?.stop();
    await hubProxy?.close();
    await agentProxy?.close();
  });

  it("sends a command again after the hub's link came back; the agent applies its id once", async () => {
    agentProxy.hold();
    const reply = inbox.next(15_000);
    await alice.send(
      xml("message", { to: "hub.localhost", type: "chat" }, xml("body", {}, `${ID} relay on`)),
    );
    await eventually(() => issued("relay=true").length === 1, 10_000, 50);
    const id = issued("relay=true")[0]?.id as string;
    hubProxy.cut();
    await eventually(
      () => controlLog(server, ID).some((e) => e.id === id && e.detail.startsWith("sent again")),
      10_000,
      50,
    );
    agentProxy.release();
    expect(await reply).toBe(`Done: ${ID} relay is on.`);
    expect(agent.actuators().filter((l) => l.cmd === id)).toHaveLength(1);
  });

  it("refuses a command that reaches the agent after its TTL; the hub already said timed out", async () => {
    const before = agent.actuators().length;
    agentProxy.hold();
    const t0 = Date.now();
    expect(await say(alice, inbox, `${ID} relay off`, 15_000)).toBe(
      `Timed out: ${ID} did not answer; the state of relay is unknown.`,
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(TIMEOUT - 100);
    const id = issued("relay=false").at(-1)?.id as string;
    const seen = hubProxy.down.length;
    agentProxy.release();
    // The agent's late answer reaches the hub (which no longer waits): refused as expired.
    await eventually(() => hubProxy.down.slice(seen).includes(`command ${id} expired`), 15_000, 50);
    expect(agent.actuators().length).toBe(before);
    expect(await say(alice, inbox, `${ID} relay?`)).toBe(`${ID} relay: on`);
  });

  it("answers offline for an agent killed without a goodbye; nothing runs when it returns", async () => {
    await agent.proc.stop("SIGKILL");
    const before = agent.actuators().length;
    expect(await say(alice, inbox, `${ID} relay off`, 15_000)).toMatch(
      new RegExp(`^${ID} is offline; the command was not delivered`),
    );
    agent = run(agent.stateDir);
    await agent.proc.ready(30_000);
    await eventually(
      async () => (await say(alice, inbox, `status ${ID}`)).startsWith(`${ID}: online`),
      15_000,
      300,
    );
    // The restarted simulated relay starts off; no command reached it.
    expect(await say(alice, inbox, `${ID} relay?`)).toBe(`${ID} relay: off`);
    expect(agent.actuators().slice(before)).toEqual([]);
    // The last command is logged as not delivered; after it, the log holds only what the device
    // reported itself (its relay back off after the restart), never a command that ran.
    const log = controlLog(server, ID);
    const last = log.findLastIndex((e) => e.outcome !== "reported");
    expect(log[last]).toMatchObject({ outcome: "offline" });
    expect(log.slice(last + 1).every((e) => e.outcome === "reported")).toBe(true);
  });

  it("a chat command that waited in the server's offline store is refused by the device", async () => {
    // A device of its own (not provisioned: it makes its own nodes), which alice may command directly.
    const own = await server.register("shed-3");
    const first = startAgent(server, own, {
      allow: ["alice@localhost"],
      extra: ["--control.chatTtlMs", "1500"],
    });
    await first.proc.ready(30_000);
    expect(await first.proc.stop("SIGTERM")).toMatchObject({ code: 0 });
    const before = first.actuators().length;
    await alice.send(xml("message", { to: "shed-3@localhost", type: "chat" }, xml("body", {}, "relay on")));
    const late = new Promise<string>((resolve) => {
      alice.xmpp.on("stanza", (s: Element) => {
        if (s.is("message") && String(s.attrs.from).startsWith("shed-3@localhost/") && s.getChildText("body"))
          resolve(s.getChildText("body") ?? "");
      });
    });
    await new Promise((r) => setTimeout(r, 1600)); // the message must wait longer than control.chatTtlMs
    const again = startAgent(server, own, {
      allow: ["alice@localhost"],
      extra: ["--control.chatTtlMs", "1500"],
      stateDir: first.stateDir,
    });
    try {
      await again.proc.ready(30_000);
      expect(await late).toMatch(
        /^That command was sent \d+ (s|min) ago and was not run\. Send it again if you still want it\.$/,
      );
      expect(again.actuators().slice(before)).toEqual([]);
    } finally {
      await again.proc.stop();
    }
  });
});
