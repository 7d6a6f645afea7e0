/* A board whose clock is a day off still applies TTLs by the hub's clock: the agent learns the
 * offset at connect (XEP-0202), so a fresh command is applied on a board a day ahead, and a
 * command held past its TTL is refused on a board a day behind. The board clocks are skewed with
 * Debian's libfaketime (LD_PRELOAD), as a wrong RTC would be; the hub and server keep real time. */
import { existsSync } from "node:fs";
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
import type { TestServer } from "./server";

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
    await server.hub([
      ...s.hubArgs,
      "--xmpp.service",
      hubProxy.url,
      "--control.timeoutMs",
      String(TIMEOUT),
      "--control.ttlMs",
      String(TTL),
    ]);
    alice = await server.client(await server.register("alice"));
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
});
