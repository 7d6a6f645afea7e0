/* Shared set-up of the control e2e suites: a real Prosody, hub and agent; a device provisioned by
 * the admin's ad-hoc command and claimed by alice in chat; chat helpers; a TCP proxy that can
 * hold traffic and let it go again; the hub's control log read from its SQLite file. */
import { mkdtempSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import Database from "better-sqlite3";
import type { ControlLogEntry } from "../../hub/control/types";
import { runCommand } from "../../shared/xmpp/adhoc";
import type { ClientConnection } from "../../shared/xmpp/client";
import { EXAMPLE, eventually, readJsonLines } from "../helpers/agent/e2e";
import { type CliProcess, runXiot } from "../helpers/cli";
import { type Account, startServer, type TestServer } from "./server";

export const HUB = "hub.localhost";

export interface ActuatorLine {
  t: number;
  channel: string;
  value: unknown;
  from: string;
  via: string;
  cmd?: string;
}

/** Bodies of the hub's chat messages to a client, in arrival order; `next` waits for one. */
export function hubInbox(client: ClientConnection) {
  const bodies: string[] = [];
  const waiters: Array<(b: string) => void> = [];
  client.xmpp.on("stanza", (s: Element) => {
    if (!s.is("message") || s.attrs.from !== HUB) return;
    const body = s.getChildText("body");
    if (body === null) return;
    bodies.push(body);
    waiters.shift()?.(body);
  });
  return {
    bodies,
    next(timeoutMs = 20_000): Promise<string> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no reply from the hub; so far ${JSON.stringify(bodies)}`)),
          timeoutMs,
        );
        waiters.push((b) => {
          clearTimeout(timer);
          resolve(b);
        });
      });
    },
  };
}

export type Inbox = ReturnType<typeof hubInbox>;

/** Sends a chat message to the hub and resolves with the reply. */
export async function say(
  client: ClientConnection,
  inbox: Inbox,
  text: string,
  timeoutMs?: number,
): Promise<string> {
  const reply = inbox.next(timeoutMs);
  await client.send(xml("message", { to: HUB, type: "chat" }, xml("body", {}, text)));
  return reply;
}

export interface AgentOptions {
  service?: string;
  allow?: string[];
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  extra?: string[];
}

export function startAgent(server: TestServer, account: Account, o: AgentOptions = {}) {
  const stateDir = o.stateDir ?? mkdtempSync(join(tmpdir(), "xiot-agent-"));
  const args = ["agent", "--config", EXAMPLE, "--device.id", account.username];
  args.push("--xmpp.service", o.service ?? server.info.c2s, "--xmpp.domain", server.info.domain);
  args.push("--xmpp.password", account.password, "--state.dir", stateDir, "--log.format", "json");
  if (o.allow?.length) args.push("--allow", o.allow.join(","));
  const proc: CliProcess = runXiot([...args, ...(o.extra ?? [])], o.env ? { env: o.env } : {});
  return {
    proc,
    stateDir,
    account,
    actuators: () => readJsonLines<ActuatorLine>(join(stateDir, "actuators.jsonl")),
  };
}

export type Agent = ReturnType<typeof startAgent>;

/** Provisions `id` with the admin's ad-hoc command and registers its XMPP account. */
export async function provision(server: TestServer, admin: ClientConnection, id: string) {
  const r = await runCommand(admin.request, {
    to: HUB,
    node: "urn:xiot:provisioning:provision",
    fields: { device: id, model: "xiot-simulated" },
  });
  const claimKey = r.form?.fields.get("claim-key")?.[0];
  if (!claimKey) throw new Error(`provisioning ${id} failed: ${JSON.stringify(r.notes)}`);
  return { account: await server.register(id), claimKey };
}

/** The hub's control log (commands and outcomes), oldest first. */
export function controlLog(server: TestServer, device: string): ControlLogEntry[] {
  const db = new Database(join(server.dir, "hub", "control.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[string], ControlLogEntry & { cmd_id: string | null }>(
        "SELECT time, device, actor, cmd_id AS id, command, outcome, detail FROM control_log WHERE device = ? ORDER BY n",
      )
      .all(device);
  } finally {
    db.close();
  }
}

export async function stack(hubArgs: string[] = []) {
  const server = await startServer(["--admins", "admin@localhost"]);
  const adminAccount = await server.register("admin");
  const hubArgsAll = ["--hub.admins", "admin@localhost", ...hubArgs];
  const admin = await server.client(adminAccount);
  return { server, admin, adminAccount, hubArgs: hubArgsAll };
}

/** Waits until the hub says `id` is online, asked by chat. */
export const untilOnline = (client: ClientConnection, inbox: Inbox, id: string) =>
  eventually(async () => (await say(client, inbox, `status ${id}`)).startsWith(`${id}: online`), 15_000, 300);

/** A stack whose device `id` alice has claimed by chat, with its agent online: where most tests
 * of a device in use start. */
export async function claimedDevice(id: string) {
  const s = await stack();
  await s.server.hub(s.hubArgs);
  const device = await provision(s.server, s.admin, id);
  const aliceAccount = await s.server.register("alice");
  const alice = await s.server.client(aliceAccount);
  const inbox = hubInbox(alice);
  const claimed = await say(alice, inbox, `claim ${id} ${device.claimKey}`);
  if (claimed !== `${id} is yours now.`) throw new Error(`claim ${id}: ${claimed}`);
  const agent = startAgent(s.server, device.account);
  await agent.proc.ready(30_000);
  await untilOnline(alice, inbox, id);
  return { ...s, device: device.account, aliceAccount, alice, inbox, agent };
}

/** A loopback TCP proxy that can hold every byte (sockets stay open) and later let it through. */
export async function startHoldingProxy(port: number) {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let held = false;
  /** Everything the server sent through the proxy, as text (to see answers a peer ignores). */
  let down = "";
  const server = createServer((client) => {
    const upstream = new Socket();
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) s.on("error", drop).on("close", drop);
    upstream.connect(port, "127.0.0.1", () => {
      upstream.on("data", (chunk: Buffer) => {
        down += chunk.toString("utf8");
      });
      client.pipe(upstream);
      upstream.pipe(client);
      if (held) for (const s of [client, upstream]) s.pause();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `xmpp://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    get connections() {
      return pairs.size;
    },
    get down() {
      return down;
    },
    /** Stops reading on both sides: bytes wait in the sockets' buffers. */
    hold() {
      held = true;
      for (const { client, upstream } of pairs) for (const s of [client, upstream]) s.pause();
    },
    release() {
      held = false;
      for (const { client, upstream } of pairs) for (const s of [client, upstream]) s.resume();
    },
    cut() {
      for (const { client, upstream } of [...pairs]) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client, upstream } of pairs) for (const s of [client, upstream]) s.destroy();
        server.close(() => resolve());
      }),
  };
}
