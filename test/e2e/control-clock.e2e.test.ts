/* A board whose clock is a day off still applies TTLs by the hub's clock: the agent learns the
 * offset at connect (XEP-0202), so a fresh command is applied on a board a day ahead, and a
 * command held past its TTL is refused on a board a day behind. The board clocks are skewed with
 * Debian's libfaketime (LD_PRELOAD), as a wrong RTC would be; the server keeps real time, and so
 * does the hub until the last test, which starts it again an hour ahead: its commands are then
 * stamped in the future by the server's clock (the one the boards learn), refused with
 * `<issued-in-future/>`, and the hub says to check its clock, in chat, from `xiot set` and in
 * its control log. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
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
  startHoldingProxy,
} from "./control-setup";
import type { Account, TestServer } from "./server";

const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const TTL = 2000;
/** The hub waits longer than the TTL plus the agent's clock error (±0.5 s, docs/protocol.md), so
 * once it says "timed out" the command can no longer run. */
const TIMEOUT = 3500;
const skewed = (offset: string): NodeJS.ProcessEnv => ({
  ...process.env,
  LD_PRELOAD: LIBFAKETIME,
  FAKETIME: offset,
  // Timers keep real time: only the wall clock (what an RTC gives) is wrong.
  FAKETIME_DONT_FAKE_MONOTONIC: "1",
});

describe("TTL by the hub's clock on boards whose clock is a day off", () => {
  let server: TestServer;
  let hubArgs: string[];
  let hub: CliProcess;
  let aliceAccount: Account;
  let alice: ClientConnection;
  let inbox: Inbox;
  let behind: Agent;
  let ahead: Agent;
  let hubProxy: Awaited<ReturnType<typeof startHoldingProxy>>;
  let behindProxy: Awaited<ReturnType<typeof startHoldingProxy>>;

  beforeAll(async () => {
    if (!existsSync(LIBFAKETIME))
      throw new Error(
        `${LIBFAKETIME} is missing: install Debian's faketime package (apt-get install faketime)`,
      );
    const s = await stack();
    server = s.server;
    hubProxy = await startHoldingProxy(server.ports.component);
    behindProxy = await startHoldingProxy(server.ports.c2s);
    hubArgs = [
      ...s.hubArgs,
      "--xmpp.service",
      hubProxy.url,
      "--control.timeoutMs",
      String(TIMEOUT),
      "--control.ttlMs",
      String(TTL),
    ];
    hub = await server.hub(hubArgs);
    aliceAccount = await server.register("alice");
    alice = await server.client(aliceAccount);
    inbox = hubInbox(alice);
    const a = await provision(server, s.admin, "behind-1");
    const b = await provision(server, s.admin, "ahead-1");
    expect(await say(alice, inbox, `claim behind-1 ${a.claimKey}`)).toBe("behind-1 is yours now.");
    expect(await say(alice, inbox, `claim ahead-1 ${b.claimKey}`)).toBe("ahead-1 is yours now.");
    behind = startAgent(server, a.account, { service: behindProxy.url, env: skewed("-1d") });
    ahead = startAgent(server, b.account, { env: skewed("+1d") });
    await Promise.all([behind.proc.ready(30_000), ahead.proc.ready(30_000)]);
    for (const id of ["behind-1", "ahead-1"])
      await eventually(
        async () => (await say(alice, inbox, `status ${id}`)).startsWith(`${id}: online`),
        15_000,
        300,
      );
  });
  afterAll(async () => {
    behindProxy?.release();
    await Promise.all([behind?.proc.stop(), ahead?.proc.stop()]);
    await hub?.stop();
    await server?.stop();
    await hubProxy?.close();
    await behindProxy?.close();
  });

  it("a board a day ahead applies a fresh command (its own clock would call it a day old)", async () => {
    expect(await say(alice, inbox, "ahead-1 relay on")).toBe("Done: ahead-1 relay is on.");
    const last = ahead.actuators().at(-1);
    expect(last).toMatchObject({ channel: "relay", value: true, via: "xep-0325" });
    expect(Math.round(((last?.t ?? 0) - Date.now()) / 3_600_000)).toBe(24);
  });

  it("a board a day behind refuses a command that waited past its TTL (its own clock would accept it)", async () => {
    expect(await say(alice, inbox, "behind-1 relay on")).toBe("Done: behind-1 relay is on.");
    const before = behind.actuators().length;
    behindProxy.hold();
    expect(await say(alice, inbox, "behind-1 relay off", 15_000)).toBe(
      "Timed out: behind-1 did not answer; the state of relay is unknown.",
    );
    const id = controlLog(server, "behind-1").at(-1)?.id as string;
    const seen = hubProxy.down.length;
    behindProxy.release();
    await eventually(() => hubProxy.down.slice(seen).includes(`command ${id} expired`), 15_000, 50);
    expect(behind.actuators().length).toBe(before);
    expect(await say(alice, inbox, "behind-1 relay?")).toBe("behind-1 relay: on");
  });

  it("a hub an hour ahead of the server: the board refuses its commands as stamped in the future, and the hub says to check its clock", async () => {
    await hub.stop();
    // As server.hub() starts it, with the wall clock an hour ahead (timers keep real time).
    hub = runXiot(
      [
        "hub",
        "--dir",
        join(server.dir, "hub"),
        "--server-dir",
        server.dir,
        "--log.format",
        "json",
        ...hubArgs,
      ],
      { env: skewed("+1h") },
    );
    await hub.ready(30_000);
    await eventually(
      async () => (await say(alice, inbox, "status ahead-1")).startsWith("ahead-1: online"),
      15_000,
      300,
    );
    const before = ahead.actuators().length;
    const seen = hubProxy.down.length;
    const words = "the command is stamped in the future: check the hub's clock";
    expect(await say(alice, inbox, "ahead-1 relay off")).toBe(`Refused: ${words}.`);
    const wire = hubProxy.down.slice(seen);
    expect(wire).toMatch(
      /<error type=["']modify["']><not-acceptable xmlns=["']urn:ietf:params:xml:ns:xmpp-stanzas["']\/>/,
    );
    expect(wire).toMatch(/<issued-in-future xmlns=["']urn:xiot:command:0["']\/>/);
    const set = await xiotAs(aliceAccount, "set", "ahead-1", "relay", "off");
    expect(set).toMatchObject({ code: 1, err: `Refused: ${words}.` });
    expect(ahead.actuators().length).toBe(before);
    expect(await say(alice, inbox, "ahead-1 relay?")).toBe("ahead-1 relay: on");
    const outcomes = controlLog(server, "ahead-1")
      .filter((e) => e.outcome !== "issued" && e.outcome !== "reported")
      .slice(-2)
      .map((e) => [e.outcome, e.detail]);
    expect(outcomes).toEqual([
      ["refused", words],
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
