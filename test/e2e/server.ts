/* The e2e fixture: a fresh `xiot server` (real Prosody) on free loopback ports, per test file,
 * with helpers to register accounts in-band and connect clients and hubs. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml from "@xmpp/xml";
import type { ServerInfo } from "../../server/run";
import { silentLogger } from "../../shared/log";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import { registerAccount } from "../../shared/xmpp/register";
import { type CliProcess, runXiot } from "../helpers/cli";

export interface Account {
  username: string;
  password: string;
  jid: string;
}

export interface TestServer {
  dir: string;
  info: ServerInfo;
  process: CliProcess;
  ports: { c2s: number; component: number; http: number };
  register(username?: string): Promise<Account>;
  /** A started, online client for an account; stopped by stop(). */
  client(account: Account, resource?: string): Promise<ClientConnection>;
  /** Starts `xiot hub --server-dir` and waits for its ready line. */
  hub(extraArgs?: string[]): Promise<CliProcess>;
  prosodyPid(): number;
  /** Runs `xiot server` again on the same ports and folder (after it stopped). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;
const portOf = (uri: string) => Number(new URL(uri).port);

export async function startServer(extraArgs: string[] = []): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "xiot-e2e-"));
  const children: CliProcess[] = [];
  const clients: ClientConnection[] = [];
  const launch = async (ports: string[]) => {
    const proc = runXiot(["server", "--dir", dir, ...ports, "--log.format", "json", ...extraArgs]);
    children.push(proc);
    const info = await proc.ready<ServerInfo>(60_000);
    return { proc, info };
  };
  let { proc, info } = await launch(["--c2s-port", "0", "--component-port", "0", "--http-port", "0"]);
  const ports = { c2s: portOf(info.c2s), component: portOf(info.component), http: portOf(info.websocket) };
  const server: TestServer = {
    dir,
    info,
    process: proc,
    ports,
    async register(username = `user${process.pid}x${++counter}`) {
      const password = `pw-${Math.random().toString(36).slice(2)}`;
      await registerAccount({
        config: { service: info.c2s, domain: info.domain, username, password },
        log: silentLogger(),
      });
      return { username, password, jid: `${username}@${info.domain}` };
    },
    async client(account, resource = "test") {
      const connection = createClient({
        config: {
          service: info.c2s,
          domain: info.domain,
          username: account.username,
          password: account.password,
          resource,
        },
        log: silentLogger(),
        backoff: { initialMs: 200, maxMs: 2000 },
      });
      clients.push(connection);
      await connection.start();
      // Available presence, as any chat client sends: messages to the bare JID reach it.
      await connection.send(xml("presence"));
      return connection;
    },
    async hub(extraArgs = []) {
      const hub = runXiot([
        "hub",
        "--dir",
        join(dir, "hub"),
        "--server-dir",
        dir,
        "--log.format",
        "json",
        ...extraArgs,
      ]);
      children.push(hub);
      await hub.ready(30_000);
      return hub;
    },
    prosodyPid: () => Number(readFileSync(join(dir, "prosody.pid"), "utf8").trim()),
    async restart() {
      ({ proc, info } = await launch([
        "--c2s-port",
        String(ports.c2s),
        "--component-port",
        String(ports.component),
        "--http-port",
        String(ports.http),
      ]));
      server.process = proc;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.stop()));
      await Promise.all(children.reverse().map((c) => c.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
