/* Starts the component processes the chosen targets need: the hub as the real `xiot hub` CLI
 * (durable SQLite in the run's folder, or on tmpfs for the hub-tmpfs experiment) and the
 * do-nothing component. Each is registered with `track` as soon as it runs, so that the caller's
 * cleanup stops it even when a later start fails. */
import { join } from "node:path";
import { type Child, spawnReady } from "./children";
import type { BenchServer } from "./prosody";
import type { TargetName } from "./targets";

export interface ProcessOptions {
  root: string;
  server: BenchServer;
  targets: readonly TargetName[];
  /** Folder for the durable hub's SQLite file (on the same disk as Prosody's data). */
  hubDir: string;
  /** Folder on tmpfs for hub-tmpfs, when that target runs. */
  tmpfsDir: () => string;
  track: (child: Child) => void;
}

export type Started = Partial<Record<"hub" | "hub-tmpfs" | "null", Child>>;

/** The `xiot hub` command line for one of the bench server's hub components, its data in `dir`
 * (every benchmark that runs the real hub starts it this way), then `extra`. */
export function hubCommand(
  root: string,
  server: BenchServer,
  name: "hub" | "hub-tmpfs",
  dir: string,
  extra: readonly string[] = [],
): string[] {
  const { jid, secret } = server.components[name];
  return [
    join(root, "bin/xiot.js"),
    "hub",
    ...["--xmpp.service", server.component, "--xmpp.domain", jid, "--xmpp.password", secret],
    ...["--dir", dir, "--storage.path", join(dir, "hub.sqlite"), "--log.level", "warn"],
    ...extra,
  ];
}

// The hub limits each publisher to 200/s by default (burst 1000); the other targets have no such
// limit, so it is lifted here to compare the publish paths themselves.
const hubArgs = (o: ProcessOptions, name: "hub" | "hub-tmpfs", dir: string): string[] =>
  hubCommand(o.root, o.server, name, dir, [
    "--pubsub.publishRate",
    "1000000",
    "--pubsub.publishBurst",
    "1000000",
  ]);

export async function startProcesses(o: ProcessOptions): Promise<Started> {
  const started: Started = {};
  const start = async (name: keyof Started, args: string[], env?: NodeJS.ProcessEnv) => {
    const child = await spawnReady(name, args, { cwd: o.root, env });
    o.track(child);
    started[name] = child;
  };
  if (o.targets.includes("hub")) await start("hub", hubArgs(o, "hub", o.hubDir));
  if (o.targets.includes("hub-tmpfs")) await start("hub-tmpfs", hubArgs(o, "hub-tmpfs", o.tmpfsDir()));
  if (o.targets.includes("null")) {
    const { jid, secret } = o.server.components.null;
    await start("null", ["--import", "tsx", join(o.root, "bench/pubsub/null-component.ts")], {
      XIOT_NULL_SERVICE: o.server.component,
      XIOT_NULL_DOMAIN: jid,
      XIOT_NULL_PASSWORD: secret,
    });
  }
  return started;
}
