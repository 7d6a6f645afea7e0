/* `xiot server`: the embedded default XMPP server. Writes a Prosody config into the data folder,
 * picks ports, runs Prosody, and describes the running server in server.json. */

import { randomBytes, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { hubJid } from "../shared/jid";
import type { Logger } from "../shared/log";
import { ensureCertificates } from "./certs";
import type { ServerConfig } from "./config";
import { ensureProsody } from "./install";
import { isPortFree, type PortName, pickFreePort, previousPorts } from "./ports";
import { BindError, type RunningProsody, startProsody, stopStale } from "./process";
import { renderProsodyConfig } from "./prosody-config";

/** The ready line and server.json: a contract with scripts and the other commands. */
export interface ServerInfo {
  ready: true;
  domain: string;
  c2s: string;
  component: string;
  websocket: string;
  hub: string;
  hubSecret: string;
  ca?: string;
  /** SHA-256 fingerprint of the CA certificate (colon-separated hex, as `openssl x509
   * -fingerprint -sha256` prints it): what a person compares before trusting the CA. */
  caSha256?: string;
}

export class PortInUseError extends Error {}

/** Prosody's usual HTTPS port, taken by --public when --https-port is not given. */
export const DEFAULT_PUBLIC_HTTPS_PORT = 5281;

const FLAG: Record<PortName, string> = {
  c2s: "--c2s-port",
  component: "--component-port",
  http: "--http-port",
  https: "--https-port",
  s2s: "--s2s-port",
};

export interface RunningServer {
  info: ServerInfo;
  prosody: RunningProsody;
  stop(): Promise<void>;
}

/** Runs Prosody for `config.dir`. The caller holds the folder's lock (cli/up/folder-lock.ts): a
 * Prosody of this folder still running is then an orphan of a run that is gone, and is stopped. */
export async function runServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  const dir = resolve(config.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await stopStale(dir, log);
  const serverJson = join(dir, "server.json");
  const kept = previousPorts(existsSync(serverJson) ? readFileSync(serverJson, "utf8") : undefined);
  const binary = ensureProsody(log);
  const hubSecret = ensureSecret(dir);
  const tls =
    config.public || config.httpsPort !== undefined ? ensureCertificates(dir, config.domain) : undefined;
  const host = config.public ? "0.0.0.0" : "127.0.0.1";
  const wanted: Partial<Record<PortName, number>> = {
    c2s: config.c2sPort,
    component: config.componentPort,
    http: config.httpPort,
    // A public server serves WebSocket over HTTPS too: a dashboard page on HTTPS may only use WSS.
    https: config.httpsPort ?? (config.public ? DEFAULT_PUBLIC_HTTPS_PORT : undefined),
    s2s: config.s2sPort,
  };
  for (let attempt = 1; ; attempt++) {
    // After a bind race the earlier ports are not tried again: one of them was just taken.
    const ports = await choosePorts(wanted, host, attempt === 1 ? kept : {}, log);
    const configFile = join(dir, "prosody.cfg.lua");
    writeFileSync(
      configFile,
      renderProsodyConfig({
        dir,
        domain: config.domain,
        hubSecret,
        ports: {
          c2s: ports.c2s!,
          component: ports.component!,
          http: ports.http!,
          https: ports.https,
          s2s: ports.s2s,
        },
        interfaces: config.public ? ["*"] : ["127.0.0.1"],
        componentInterfaces: ["127.0.0.1"],
        requireEncryption: config.public,
        inviteOnly: (config.registration ?? (config.public ? "invite" : "open")) === "invite",
        tls: tls && { key: tls.key, certificate: tls.certificate },
        runAsRoot: process.getuid?.() === 0,
        logLevel: config.prosodyLogLevel,
        smacksHibernationSeconds: config.smacksHibernation,
        admins: config.admins,
        inviteExpirySeconds: config.inviteExpiry,
        rates: { c2s: config.c2sRate, s2sin: config.s2sRate },
      }),
    );
    const services = (Object.keys(ports) as PortName[]).filter((name) => ports[name] !== undefined);
    try {
      const prosody = await startProsody({ binary, dir, config: configFile, services, log });
      const info = describe(config, ports, hubSecret, tls?.ca);
      writeFileSync(serverJson, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
      return { info, prosody, stop: () => prosody.stop() };
    } catch (error) {
      if (!(error instanceof BindError)) throw error;
      const name = (Object.keys(ports) as PortName[]).find((n) => ports[n] === error.port);
      const picked = name !== undefined && wanted[name] === 0;
      if (!picked || attempt >= 5) {
        throw new PortInUseError(
          `port ${error.port}${name ? ` (${name}, ${FLAG[name]})` : ""} is already in use`,
        );
      }
      log.warn({ port: error.port }, "a free port was taken before Prosody could bind it; picking again");
    }
  }
}

/** Fixed ports must be free; 0 keeps the port of the last run when it is free, else picks one. */
async function choosePorts(
  wanted: Partial<Record<PortName, number>>,
  host: string,
  kept: Partial<Record<PortName, number>>,
  log: Logger,
): Promise<Partial<Record<PortName, number>>> {
  const chosen: Partial<Record<PortName, number>> = {};
  for (const [name, port] of Object.entries(wanted) as [PortName, number | undefined][]) {
    if (port === undefined) continue;
    const earlier = kept[name];
    if (port === 0 && earlier !== undefined && !Object.values(chosen).includes(earlier)) {
      if (await isPortFree(earlier, host)) {
        chosen[name] = earlier;
        continue;
      }
      log.warn(`port ${earlier} (${name}) of the last run is taken now: picking another (${FLAG[name]})`);
    }
    if (port === 0) {
      let free = await pickFreePort(host);
      while (Object.values(chosen).includes(free)) free = await pickFreePort(host);
      chosen[name] = free;
    } else if (await isPortFree(port, host)) {
      chosen[name] = port;
    } else {
      throw new PortInUseError(`port ${port} (${name}, ${FLAG[name]}) is already in use on ${host}`);
    }
  }
  return chosen;
}

function describe(
  config: ServerConfig,
  ports: Partial<Record<PortName, number>>,
  hubSecret: string,
  ca: string | undefined,
): ServerInfo {
  const host = config.public ? config.domain : "127.0.0.1";
  return {
    ready: true,
    domain: config.domain,
    c2s: `xmpp://${host}:${ports.c2s}`,
    component: `xmpp://127.0.0.1:${ports.component}`,
    // Over the network the page is on HTTPS, and the browser then allows only a WSS socket.
    websocket:
      config.public && ports.https !== undefined
        ? `wss://${host}:${ports.https}/xmpp-websocket`
        : `ws://${host}:${ports.http}/xmpp-websocket`,
    hub: hubJid(config.domain),
    hubSecret,
    ...(ca ? { ca, caSha256: new X509Certificate(readFileSync(ca)).fingerprint256 } : {}),
  };
}

/** 24 random bytes as base64url, never starting with "-": pasted after `--xmpp.password` such a
 * secret reads as a flag (1 start in 64 would). */
export function componentSecret(): string {
  for (;;) {
    const secret = randomBytes(24).toString("base64url");
    if (!secret.startsWith("-")) return secret;
  }
}

function ensureSecret(dir: string): string {
  const file = join(dir, "hub-secret");
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret) return secret;
  }
  const secret = componentSecret();
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Reads server.json from a running (or last run) `xiot server`'s data folder. */
export function readServerInfo(dir: string): ServerInfo {
  const file = join(resolve(dir), "server.json");
  if (!existsSync(file)) throw new Error(`${file} not found: is \`xiot server --dir ${dir}\` running?`);
  return JSON.parse(readFileSync(file, "utf8")) as ServerInfo;
}
