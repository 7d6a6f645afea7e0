/* A stale command never runs, on a board whose clock is a day slow (libfaketime, as a wrong RTC
 * would be; server and test keep real time). A chat command held in Prosody's offline store is
 * delivered right after the agent's presence, before it has learnt the server's clock (XEP-0202):
 * it is held until the offset is known, then judged by the hub's clock and refused as too old. A
 * direct XEP-0325 set dated an hour ahead is refused. Nothing moves in either case.
 * References: docs/design.md §2 (command metadata), docs/protocol.md ("XEP-0325 control", "Chat
 * commands"). */
import { existsSync } from "node:fs";
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeControlSet } from "../../shared/xmpp/control";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import { type Agent, stack, startAgent } from "./control-setup";
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

describe("a stale command never runs on a board a day slow", () => {
  let server: TestServer;
  let alice: ClientConnection;
  let device: Account;
  let agent: Agent | undefined;

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
    await server.hub(s.hubArgs);
    alice = await server.client(await server.register("alice"));
    // A device of its own (not provisioned), which alice may command directly.
    device = await server.register(ID);
  });
  afterAll(async () => {
    await agent?.proc.stop();
    await server?.stop();
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
});
