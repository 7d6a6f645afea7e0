/* A document the hub refuses for good is quarantined by the agent, which drains the rest in order:
 * a real agent (`xiot agent`) whose outbox holds a bad record between good ones, against a real
 * Prosody and hub. The bad one is kept on disk, counted in the state item and in the status chat
 * reply, and never published again, also after a restart.
 * References: docs/protocol.md ("Publish errors": invalid-payload quarantines), XEP-0060
 * §7.1.3.6, docs/design.md §2 (the readings document; append-only readings nodes). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openFileOutboxStore } from "../../agent/outbox/file";
import { encode } from "../../shared/exi";
import type { JsonObject } from "../../shared/exi/types";
import { itemId, readingsNode, stateNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { NS_XIOT_STATE } from "../../shared/xmpp/ns";
import { makeItems, parseItemsResult } from "../../shared/xmpp/pubsub";
import { type AgentRun, eventually, fetchAllItems, runAgent } from "../helpers/agent/e2e";
import { say } from "../helpers/chat";
import { jsonLogLines } from "../helpers/cli";
import { type Account, startServer, type TestServer } from "./server";

const CRAFTED = "0.crafted";
const REFUSED = "outbox: hub refused document; quarantined";
const FAST = ["--outbox.maxInFlight", "1", "--batch.maxDelayMs", "300"];

/** A readings document of `dev` in the crafted boot; `t` 1000 with a synchronised clock is implausible. */
const crafted = (dev: string, seq: number, t: number): JsonObject => ({
  v: 1,
  dev,
  boot: CRAFTED,
  seq,
  clk: "sync",
  r: [{ c: "temperature", t, v: 20 + seq }],
});

/** Writes good, bad, good into the outbox of `stateDir` with the agent's own outbox store. */
async function craftOutbox(stateDir: string, dev: string): Promise<void> {
  const store = await openFileOutboxStore({ dir: join(stateDir, "outbox") });
  const now = Date.now();
  for (const [seq, t] of [
    [0, now - 3000],
    [1, 1000],
    [2, now - 1000],
  ] as const) {
    const res = await store.append(() => ({
      itemId: itemId(CRAFTED, seq),
      count: 1,
      payload: encode(crafted(dev, seq, t)),
    }));
    expect(res.ok).toBe(true);
  }
  await store.close();
}

async function stateItem(
  client: ClientConnection,
  dev: string,
): Promise<Record<string, unknown> | undefined> {
  const { items } = parseItemsResult(await client.request(makeItems("hub.localhost", stateNode(dev))));
  const text = items[0]?.getChild("state", NS_XIOT_STATE)?.getText();
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

const bootOf = (lines: Parameters<typeof jsonLogLines>[0]): string =>
  String(jsonLogLines(lines).find((l) => l.msg === "boot")?.boot);

describe("xiot agent: a refused document is quarantined, the rest drained in order", () => {
  let server: TestServer;
  let device: Account;
  let watcher: ClientConnection;
  let watcherAccount: Account;
  const stateDir = mkdtempSync(join(tmpdir(), "xiot-agent-quarantine-"));

  beforeAll(async () => {
    server = await startServer();
    await server.hub();
    device = await server.register(`agent-q-${process.pid}`);
    watcherAccount = await server.register();
    watcher = await server.client(watcherAccount);
    await craftOutbox(stateDir, device.username);
  });
  afterAll(async () => {
    await server?.stop();
  });

  // The watcher is allowed: a member of the nodes the agent creates, and may chat with it.
  let current: AgentRun | undefined;
  const start = () => {
    current = runAgent({ server, account: device, stateDir, allow: [watcherAccount.jid], extra: FAST });
    return current;
  };
  // A failed test must not leave its agent holding the state folder for the next one.
  afterEach(async () => {
    const child = current?.proc.child;
    if (child && child.exitCode === null && child.signalCode === null) await current?.proc.stop("SIGTERM");
    current = undefined;
  });
  const node = () => readingsNode(device.username);
  /** Item ids of the readings node in the order the hub stored them (its replies are newest first). */
  const ids = async () =>
    (await fetchAllItems(watcher, "hub.localhost", node())).map((i) => String(i.attrs.id)).reverse();
  const agentJid = () => `${device.username}@localhost/agent`;

  it("drains the good records in order, quarantines the bad one and counts it", async () => {
    const run = start();
    await run.proc.ready(30_000);
    const refused = await run.proc.waitForLine("stderr", (l) => l.includes(REFUSED), 30_000);
    expect(JSON.parse(refused.text)).toMatchObject({ itemId: `${CRAFTED}-1` });
    await eventually(async () => (await ids()).includes(`${CRAFTED}-2`));
    const crafted = (await ids()).filter((id) => id.startsWith(`${CRAFTED}-`));
    expect(crafted).toEqual([`${CRAFTED}-0`, `${CRAFTED}-2`]);

    await eventually(async () => (await stateItem(watcher, device.username))?.quarantined === 1);
    const status = await say(watcher, "status", agentJid());
    expect(status.split("\n")[0]).toMatch(/, 1 quarantined$/);
    expect(await run.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });

    const store = await openFileOutboxStore({ dir: join(stateDir, "outbox") });
    const quarantined = await store.quarantined();
    expect(quarantined.map((q) => [q.itemId, q.reason])).toEqual([
      [
        `${CRAFTED}-1`,
        'modify/bad-request+invalid-payload: r[0].t: 1000 is before 2020-01-01 (clk "sync"; use "unsync" for an unset clock)',
      ],
    ]);
    expect(store.list().filter((r) => r.itemId.startsWith(CRAFTED))).toEqual([]);
    await store.close();
  }, 90_000);

  it("never publishes the quarantined record again after a restart, and still counts it", async () => {
    const run = start();
    await run.proc.ready(30_000);
    const boot = bootOf(run.proc.stderr);
    // With one publish in flight the hub sees the outbox in order: once a document of this boot is
    // stored, every older record has been answered.
    await eventually(async () => (await ids()).some((id) => id.startsWith(`${boot}-`)));
    expect(run.proc.stderr.filter((l) => l.text.includes(REFUSED))).toEqual([]);
    expect((await ids()).filter((id) => id.startsWith(`${CRAFTED}-`))).toEqual([
      `${CRAFTED}-0`,
      `${CRAFTED}-2`,
    ]);
    await eventually(async () => {
      const state = await stateItem(watcher, device.username);
      return state?.boot === boot && state.quarantined === 1;
    });
    expect((await say(watcher, "status", agentJid())).split("\n")[0]).toMatch(/, 1 quarantined$/);
    expect(await run.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const store = await openFileOutboxStore({ dir: join(stateDir, "outbox") });
    expect((await store.quarantined()).map((q) => q.itemId)).toEqual([`${CRAFTED}-1`]);
    await store.close();
  }, 90_000);
});
