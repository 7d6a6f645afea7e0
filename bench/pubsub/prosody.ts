/* The one Prosody every target of a run goes through: xiot's own configuration
 * (renderProsodyConfig, as `xiot server` writes it) plus the benchmark's components:
 * Prosody's mod_pubsub, the do-nothing component and the hub (already in the rendered config).
 * References: Prosody 0.12 configuration (Component, admins), XEP-0114, mod_pubsub. */

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_RATES } from "../../server/config";
import { ensureProsody } from "../../server/install";
import { pickFreePort } from "../../server/ports";
import { BindError, type RunningProsody, startProsody } from "../../server/process";
import { renderProsodyConfig } from "../../server/prosody-config";
import { componentSecret } from "../../server/run";
import { hubJid } from "../../shared/jid";
import type { Logger } from "../../shared/log";

export interface BenchServer {
  prosody: RunningProsody;
  domain: string;
  c2s: string;
  component: string;
  /** The mod_pubsub service (both Prosody targets). */
  pubsubJid: string;
  /** The external components: the hub, a second hub (SQLite on tmpfs), the do-nothing one. */
  components: Record<ComponentName, { jid: string; secret: string }>;
  /** Prosody's own pid, from <dir>/prosody.pid. */
  pid(): number;
}

export interface BenchServerOptions {
  dir: string;
  domain: string;
  /** Accounts that may create nodes on mod_pubsub (its default policy lets only admins create). */
  admins: string[];
  log: Logger;
  /** Bytes/s Prosody reads per client session; `xiot server`'s default unless given. */
  c2sRate?: string;
}

export type ComponentName = "hub" | "hub-tmpfs" | "null";
type Secrets = Record<ComponentName, string>;

const lua = (value: string) => JSON.stringify(value);

export function renderBenchConfig(
  o: BenchServerOptions & { ports: { c2s: number; component: number; http: number } },
  secrets: Secrets,
): string {
  const base = renderProsodyConfig({
    dir: o.dir,
    domain: o.domain,
    hubSecret: secrets.hub,
    ports: o.ports,
    interfaces: ["127.0.0.1"],
    componentInterfaces: ["127.0.0.1"],
    requireEncryption: false,
    runAsRoot: process.getuid?.() === 0,
    logLevel: "info",
    smacksHibernationSeconds: 60,
    // Once, from the rendered config: a second `admins` line is a duplicate option, which
    // Prosody 0.12.3 may fail to report and then refuses the whole file.
    admins: o.admins,
    rates: { ...DEFAULT_RATES, c2s: o.c2sRate ?? DEFAULT_RATES.c2s },
  });
  return [
    base,
    `Component ${lua(`pubsub.${o.domain}`)} "pubsub"`,
    "",
    ...(["hub-tmpfs", "null"] as const).flatMap((name) => [
      `Component ${lua(`${name}.${o.domain}`)}`,
      `  component_secret = ${lua(secrets[name])}`,
      "",
    ]),
  ].join("\n");
}

/** Starts Prosody on free loopback ports; picks again on a bind race (docs/design.md §4). */
export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const binary = ensureProsody(options.log);
  const secret = componentSecret;
  const secrets: Secrets = { hub: secret(), "hub-tmpfs": secret(), null: secret() };
  const configFile = join(options.dir, "prosody.cfg.lua");
  for (let attempt = 1; ; attempt++) {
    const ports = { c2s: await pickFreePort(), component: await pickFreePort(), http: await pickFreePort() };
    if (new Set(Object.values(ports)).size < 3) continue;
    writeFileSync(configFile, renderBenchConfig({ ...options, ports }, secrets));
    try {
      const prosody = await startProsody({
        binary,
        dir: options.dir,
        config: configFile,
        services: ["c2s", "component", "http"],
        log: options.log,
      });
      const { domain } = options;
      return {
        prosody,
        domain,
        c2s: `xmpp://127.0.0.1:${ports.c2s}`,
        component: `xmpp://127.0.0.1:${ports.component}`,
        pubsubJid: `pubsub.${domain}`,
        components: {
          hub: { jid: hubJid(domain), secret: secrets.hub },
          "hub-tmpfs": { jid: `hub-tmpfs.${domain}`, secret: secrets["hub-tmpfs"] },
          null: { jid: `null.${domain}`, secret: secrets.null },
        },
        pid: () => Number(readFileSync(join(options.dir, "prosody.pid"), "utf8").trim()),
      };
    } catch (error) {
      if (!(error instanceof BindError) || attempt >= 5) throw error;
    }
  }
}
