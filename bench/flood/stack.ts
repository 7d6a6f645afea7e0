/* What both flood benchmarks run against: one real Prosody (bench/pubsub's helpers, with the
 * c2s read rate under test) and one `xiot hub` child process with the given publish limits, plus
 * device accounts that create their own readings node, as devices do before provisioning
 * (docs/design.md §2). References: server/prosody-config.ts (mod_limits), hub/pubsub/rate-limit.ts. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../../shared/log";
import { readingsNode } from "../../shared/model";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import { makeCreate } from "../../shared/xmpp/pubsub-owner";
import { registerAccount } from "../../shared/xmpp/register";
import { type Child, spawnReady } from "../pubsub/children";
import { hubCommand } from "../pubsub/processes";
import { type BenchServer, startBenchServer } from "../pubsub/prosody";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DOMAIN = "localhost";
export const PASSWORD = "bench flood password";

export interface FloodStack {
  server: BenchServer;
  hubJid: string;
  /** Registers `name`, connects it and creates its readings node. */
  device(name: string): Promise<ClientConnection>;
}

export interface FloodStackOptions {
  dir: string;
  log: Logger;
  c2sRate: string;
  publishRate: string;
  publishBurst: string;
  /** Stopped in reverse order by the caller. */
  cleanups: (() => Promise<unknown>)[];
}

export async function startFloodStack(o: FloodStackOptions): Promise<FloodStack> {
  const prosodyDir = join(o.dir, "prosody");
  mkdirSync(prosodyDir, { recursive: true });
  const server = await startBenchServer({
    dir: prosodyDir,
    domain: DOMAIN,
    admins: [],
    log: o.log,
    c2sRate: o.c2sRate,
  });
  o.cleanups.push(() => server.prosody.stop());
  const { jid } = server.components.hub;
  const hub: Child = await spawnReady(
    "hub",
    hubCommand(ROOT, server, "hub", join(o.dir, "hub"), [
      ...["--http.port", "0"],
      ...["--pubsub.publishRate", o.publishRate, "--pubsub.publishBurst", o.publishBurst],
    ]),
    { cwd: ROOT },
  );
  o.cleanups.push(() => hub.stop());
  return {
    server,
    hubJid: jid,
    async device(name) {
      const config = { service: server.c2s, domain: DOMAIN, username: name, password: PASSWORD };
      await registerAccount({ config, log: o.log });
      const connection = createClient({ config: { ...config, resource: "agent" }, log: o.log });
      o.cleanups.push(() => connection.stop());
      await connection.start();
      await connection.request(makeCreate(jid, readingsNode(name)));
      return connection;
    },
  };
}
