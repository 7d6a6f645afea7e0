/* `xiot hub`: runs the hub component until SIGINT/SIGTERM. */

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { HubConfig, HubConfigInput } from "../../hub/config";
import { hubSchema } from "../../hub/config";
import { createHub } from "../../hub/main";
import { readServerInfo, type ServerInfo } from "../../server/run";
import { ConfigError } from "../../shared/config/load";
import { isLoopbackHost } from "../../shared/xmpp/hosts";
import { type Command, printReady, reportFailure, startCommand, untilSignal } from "../command";

export const hubCommand: Command = {
  name: "hub",
  summary: "Run the hub: the PubSub service, device registry and command router (an XEP-0114 component)",
  usage:
    "xiot hub --server-dir .xiot/server | --xmpp.service xmpp://HOST:5347 --xmpp.domain hub.DOMAIN --xmpp.password SECRET",
  options: [
    {
      flag: "--server-dir DIR",
      description: "read the three xmpp keys from a running `xiot server`'s server.json",
    },
    {
      flag: "--xmpp.service URI",
      description: "the server's component listener, e.g. xmpp://127.0.0.1:5347",
    },
    { flag: "--xmpp.domain NAME", description: "the component's own domain, e.g. hub.localhost" },
    { flag: "--xmpp.password SECRET", description: "the component secret configured on the server" },
    { flag: "--xmpp.reconnect.initialMs N", description: "first reconnect delay, doubling (default 1000)" },
    { flag: "--xmpp.reconnect.maxMs N", description: "longest reconnect delay (default 60000)" },
    { flag: "--hub.admins JID,...", description: "bare JIDs with every right on every node" },
    {
      flag: "--hub.allowLocalUsers",
      description: "let any user of the domain create nodes outside devices/",
    },
    { flag: "--pubsub.maxPayloadBytes N", description: "largest item payload (default 65536)" },
    { flag: "--pubsub.publishRate N", description: "publishes per second per JID, sustained (default 200)" },
    {
      flag: "--pubsub.publishBurst N",
      description: "publishes allowed above the rate in a burst (default 1000)",
    },
    { flag: "--pubsub.maxItemsPerPage N", description: "most items in one items reply (default 100)" },
    {
      flag: "--pubsub.maxReplyBytes N",
      description: "largest reply in bytes; longer lists are paged with RSM (default 262144)",
    },
    { flag: "--pubsub.maxItemsCeiling N", description: "largest max_items a node may have (default 10000)" },
    { flag: "--pubsub.maxNodesPerOwner N", description: "most nodes one JID may own (default 1000)" },
    {
      flag: "--pubsub.maxSubscriptionsPerNode N",
      description: "most subscriptions on one node (default 10000)",
    },
    {
      flag: "--control.ttlMs N",
      description: "how long a command may take to reach a device (default 8000)",
    },
    { flag: "--control.timeoutMs N", description: "when the hub answers 'timed out' (default 10000; > ttl)" },
    {
      flag: "--availability.pingIntervalMs N",
      description: "how often online devices are pinged (default 60000)",
    },
    {
      flag: "--availability.staleAfterMs N",
      description: "silence in readings before 'stale' (default 600000)",
    },
    { flag: "--storage.path FILE", description: "SQLite file (default <dir>/hub.sqlite)" },
    {
      flag: "--storage.check quick|full",
      description: "check of the store files at start: quick_check, or the full integrity_check",
    },
    { flag: "--http.port N", description: "dashboard, /metrics and /healthz (default 8080; 0 picks)" },
    {
      flag: "--http.host H",
      description: "address the HTTP listener binds (default 127.0.0.1; another needs HTTPS)",
    },
    { flag: "--http.tls.certificate FILE", description: "serve HTTPS with this certificate (PEM)" },
    {
      flag: "--http.tls.key FILE",
      description: "and this key (--server-dir of a --public server fills both)",
    },
    {
      flag: "--http.websocket URL",
      description: "the server's XMPP WebSocket for the dashboard (--server-dir fills it)",
    },
    { flag: "--log.level L", description: "fatal|error|warn|info|debug|trace|silent (default info)" },
    { flag: "--config FILE", description: "JSON file with any of these keys" },
  ],
  async run(argv) {
    try {
      const stopSignal = untilSignal();
      const { config, log } = startCommand("hub", hubSchema, argv);
      const hub = createHub({ config: resolveHubConfig(config), log });
      const online = hub.start();
      const first = await Promise.race([online.then(() => "online" as const), stopSignal]);
      if (first === "online") {
        printReady({ ready: true, jid: hub.jid });
        await stopSignal;
      }
      await hub.stop();
      return 0;
    } catch (error) {
      return reportFailure("hub", error);
    }
  },
};

export function resolveHubConfig(input: HubConfigInput): HubConfig {
  const fromServer = input.serverDir ? readServerInfo(input.serverDir) : undefined;
  const service = input.xmpp.service ?? fromServer?.component;
  const domain = input.xmpp.domain ?? fromServer?.hub;
  const password = input.xmpp.password ?? fromServer?.hubSecret;
  const hint = "give it, or --server-dir pointing at a running `xiot server`";
  if (!service) throw new ConfigError("xmpp.service", `required (${hint})`);
  if (!domain) throw new ConfigError("xmpp.domain", `required (${hint})`);
  if (!password) throw new ConfigError("xmpp.password", `required (${hint})`);
  const { serverDir: _serverDir, xmpp, ...rest } = input;
  for (const key of ["certificate", "key"] as const) {
    const file = rest.http.tls?.[key];
    if (file !== undefined && !existsSync(file))
      throw new ConfigError(`http.tls.${key}`, `${file} does not exist`);
  }
  const tls =
    rest.http.tls ??
    (input.serverDir && fromServer ? publicCertificate(input.serverDir, fromServer) : undefined);
  const http = {
    ...rest.http,
    websocket: rest.http.websocket ?? fromServer?.websocket,
    ...(tls !== undefined && { tls }),
  };
  // The dashboard's login (a password) and /metrics never cross a network in the clear.
  if (!tls && !isLoopbackHost(http.host))
    throw new ConfigError(
      "http.host",
      `${http.host} is not loopback: plain HTTP stays on this machine (give http.tls, or --server-dir of an xiot server --public)`,
    );
  return { ...rest, http, xmpp: { service, domain, password, reconnect: xmpp.reconnect } };
}

/** The certificate of a server that serves the network (`--public`: its WebSocket is WSS, so the
 * page that uses it must come over HTTPS). */
function publicCertificate(dir: string, info: ServerInfo): { certificate: string; key: string } | undefined {
  if (info.ca === undefined || !info.websocket.startsWith("wss:")) return undefined;
  const files = {
    certificate: join(dir, "certs", `${info.domain}.crt`),
    key: join(dir, "certs", `${info.domain}.key`),
  };
  return existsSync(files.certificate) && existsSync(files.key) ? files : undefined;
}
