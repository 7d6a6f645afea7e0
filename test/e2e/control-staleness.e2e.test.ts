/* A stale command never runs, on a board whose clock is a day slow (libfaketime, as a wrong RTC
 * would be; server and test keep real time). A chat command held in Prosody's offline store is
 * delivered right after the agent's presence, before it has learnt the server's clock (XEP-0202):
 * it is held until the offset is known, then judged by the hub's clock and refused as too old. A
 * direct XEP-0325 set dated an hour ahead is refused with `<issued-in-future/>`. A board that
 * cannot learn the hub's time at all (its XEP-0202 query answered with an error) refuses the hub's
 * command with `<clock-unknown/>` after holding it, and the hub tells the person to try again.
 * Nothing moves in any case.
 * References: docs/design.md §2 (command metadata), docs/protocol.md ("The hub's clock",
 * "XEP-0325 control", "Chat commands"). */
import { existsSync } from "node:fs";
import { createServer, Socket } from "node:net";
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeControlSet } from "../../shared/xmpp/control";
import { NS_XIOT_COMMAND } from "../../shared/xmpp/ns";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import { eventually } from "../helpers/agent/e2e";
import {
  type Agent,
  controlLog,
  hubInbox,
  provision,
  say,
  stack,
  startAgent,
  startHoldingProxy,
} from "./control-setup";
import type { Account, TestServer } from "./server";

const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const ID = "slow-1";
/** Any stay in the offline store is longer than this: no sleep is needed to make a message stale. */
const CHAT_TTL = ["--control.chatTtlMs", "1"];
const dayBehind: NodeJS.ProcessEnv = {
  ...process.env,
  LD_PRELOAD: LIBFAKETIME,
  FAKETIME: "-1d",
  FAKETIME_DONT_FAKE_MONOTONIC: "1",
};

/** The hub waits past the agent's 10 s hold for the hub's time (agent/control/timing.ts), so that
 * the agent's answer, not the hub's timeout, is what it reports. */
const HUB_CONTROL = ["--control.timeoutMs", "15000", "--control.ttlMs", "12000"];

/** A loopback proxy to the server that renames the XEP-0202 namespace in what the agent sends, so
 * that the server answers its time query with an error, as a server without the time module would:
 * the agent never learns the hub's time. Stanzas are small: each arrives in one chunk. */
async function startTimelessProxy(port: number) {
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const upstream = new Socket();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => s.destroy()).on("close", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.connect(port, "127.0.0.1", () => {
      client.on("data", (chunk: Buffer) => {
        upstream.write(chunk.toString("utf8").replaceAll("urn:xmpp:time", "urn:xmpp:tick"));
      });
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    url: `xmpp://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}

describe("a stale command never runs on a board a day slow", () => {
  let server: TestServer;
  let admin: ClientConnection;
  let alice: ClientConnection;
  let device: Account;
  let agent: Agent | undefined;
  let timeless: Agent | undefined;
  let hubProxy: Awaited<ReturnType<typeof startHoldingProxy>>;
  let timelessProxy: Awaited<ReturnType<typeof startTimelessProxy>>;

  /** The next chat reply alice gets from the device. */
  const replyFromDevice = () =>
    new Promise<string>((resolve) => {
      const on = (s: Element) => {
        if (!s.is("message") || !String(s.attrs.from).startsWith(`${ID}@localhost/`)) return;
        const body = s.getChildText("body");
        if (body === null) return;
        alice.xmpp.off("stanza", on);
        resolve(body);
      };
      alice.xmpp.on("stanza", on);
    });

  beforeAll(async () => {
    if (!existsSync(LIBFAKETIME))
      throw new Error(
        `${LIBFAKETIME} is missing: install Debian's faketime package (apt-get install faketime)`,
      );
    const s = await stack();
    server = s.server;
    admin = s.admin;
    // The hub's link goes through a proxy that lets everything pass: to read the device's errors.
    hubProxy = await startHoldingProxy(server.ports.component);
    timelessProxy = await startTimelessProxy(server.ports.c2s);
    await server.hub([...s.hubArgs, "--xmpp.service", hubProxy.url, ...HUB_CONTROL]);
    alice = await server.client(await server.register("alice"));
    // A device of its own (not provisioned), which alice may command directly.
    device = await server.register(ID);
  });
  afterAll(async () => {
    await Promise.all([agent?.proc.stop(), timeless?.proc.stop()]);
    await server?.stop();
    await hubProxy?.close();
    await timelessProxy?.close();
  });

  it("chat from the offline store, delivered before the offset is learnt, is judged by the hub's clock", async () => {
    const first = startAgent(server, device, { allow: ["alice@localhost"], env: dayBehind, extra: CHAT_TTL });
    await first.proc.ready(30_000);
    expect(await first.proc.stop("SIGTERM")).toMatchObject({ code: 0 });
    const before = first.actuators().length;
    await alice.send(xml("message", { to: `${ID}@localhost`, type: "chat" }, xml("body", {}, "relay on")));
    const late = replyFromDevice();
    agent = startAgent(server, device, {
      allow: ["alice@localhost"],
      env: dayBehind,
      extra: CHAT_TTL,
      stateDir: first.stateDir,
    });
    await agent.proc.ready(30_000);
    expect(await late).toMatch(
      /^That command was sent \d+ (s|min) ago and was not run\. Send it again if you still want it\.$/,
    );
    expect(agent.actuators().slice(before)).toEqual([]);
  });

  it("a direct XEP-0325 set dated an hour ahead of the hub's clock is refused", async () => {
    const live = agent as Agent;
    const before = live.actuators().length;
    const cmd = { id: "ahead-1", issued: Date.now() + 3_600_000, ttl: 5000 };
    const set = makeControlSet([{ name: "relay", type: "boolean", value: true }], cmd);
    const error = await alice.request(xml("iq", { type: "set", to: `${ID}@localhost/agent` }, set)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StanzaError);
    expect(error).toMatchObject({ type: "modify", condition: "not-acceptable" });
    const app = (error as StanzaError).application;
    expect([app?.name, app?.attrs]).toEqual(["issued-in-future", { xmlns: NS_XIOT_COMMAND }]);
    expect((error as StanzaError).text).toMatch(
      /^the command is dated 1 h( 1 min)? in the future by the hub.s clock; nothing moved$/,
    );
    expect(live.actuators().slice(before)).toEqual([]);
    // A fresh one is applied: the board is a day slow, and the hub's clock is what counts.
    const fresh = { id: "fresh-1", issued: Date.now(), ttl: 5000 };
    await alice.request(
      xml(
        "iq",
        { type: "set", to: `${ID}@localhost/agent` },
        makeControlSet([{ name: "relay", type: "boolean", value: true }], fresh),
      ),
    );
    expect(live.actuators().slice(before)).toMatchObject([{ channel: "relay", value: true, cmd: "fresh-1" }]);
  });

  it("a board that cannot learn the hub's time refuses the hub's command; the hub says to try again", async () => {
    const inbox = hubInbox(alice);
    const provisioned = await provision(server, admin, "timeless-1");
    expect(await say(alice, inbox, `claim timeless-1 ${provisioned.claimKey}`)).toBe(
      "timeless-1 is yours now.",
    );
    timeless = startAgent(server, provisioned.account, { service: timelessProxy.url });
    const live = timeless;
    await live.proc.ready(30_000);
    await live.proc.waitForLine("stderr", (l) => l.includes("could not learn the server's clock"), 15_000);
    await eventually(
      async () => (await say(alice, inbox, "status timeless-1")).startsWith("timeless-1: online"),
      15_000,
      300,
    );
    const before = live.actuators().length;
    const seen = hubProxy.down.length;
    const t0 = Date.now();
    expect(await say(alice, inbox, "timeless-1 relay on", 20_000)).toBe(
      "Refused: timeless-1 does not know the time yet; try again in a few seconds.",
    );
    // It was held for the time first (10 s), and refused before the hub gave up (15 s).
    expect(Date.now() - t0).toBeGreaterThanOrEqual(9_000);
    const wire = hubProxy.down.slice(seen);
    expect(wire).toMatch(
      /<error type=["']wait["']><unexpected-request xmlns=["']urn:ietf:params:xml:ns:xmpp-stanzas["']\/>/,
    );
    expect(wire).toMatch(/<clock-unknown xmlns=["']urn:xiot:command:0["']\/>/);
    expect(live.actuators().length).toBe(before);
    expect(controlLog(server, "timeless-1").at(-1)).toMatchObject({
      outcome: "refused",
      detail: "timeless-1 does not know the time yet; try again in a few seconds",
    });
  });
});
