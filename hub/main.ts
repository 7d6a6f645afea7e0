/* The hub's composition root: the component link, the stanza router and the services on it.
 * References: XEP-0114 (the component link), XEP-0060 (the PubSub service, with the device-node
 * rules injected and availability and metrics listening to its events), XEP-0030 (disco). */

import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import xml from "@xmpp/xml";
import type { Logger } from "../shared/log";
import type { BackoffOptions } from "../shared/xmpp/backoff";
import { createComponent } from "../shared/xmpp/component";
import { NS_IOT_SENSORDATA, NS_PING, NS_XIOT_HISTORY } from "../shared/xmpp/ns";
import { deviceReaders } from "./access/registry";
import { createHubAvailability } from "./availability/wiring";
import { createChatCommands } from "./chat/dispatch";
import { chatDisco, createChatRoute } from "./chat/route";
import type { HubConfig } from "./config";
import { mergeCommands } from "./control/adhoc";
import { controlFile } from "./control/store";
import { createHubControl } from "./control/wiring";
import { checkStoreFile } from "./db/open";
import { createDeviceCommands } from "./devices/commands";
import { createDeviceNodeRules } from "./devices/node-rules";
import { createProvisioningRoutes } from "./devices/protocol";
import { createPubsubDeviceNodes } from "./devices/pubsub-nodes";
import { pushAccessChanges } from "./devices/revocation";
import { createDeviceService } from "./devices/service";
import { deviceFile, openSqliteDeviceStore } from "./devices/sqlite";
import { createDisco } from "./disco";
import { historyReadoutRoute } from "./history/readout-service";
import { createHubHistory } from "./history/wiring";
import { createHubHttp } from "./http/wiring";
import { countAllSubscriptions, countPublishes, createHubMetrics, meterDeliveries } from "./metrics";
import { pingDisco, pingRoute } from "./ping";
import { createPubsub } from "./pubsub";
import { openSqliteStore, pubsubFile } from "./pubsub/storage/sqlite";
import { createRouter } from "./router";

export interface Hub {
  readonly jid: string;
  /** The HTTP listener's base URL (dashboard, /metrics, /healthz) once started, if it listens. */
  httpUrl(): string | undefined;
  /** Why the HTTP listener is not listening, when it is not. */
  httpFailure(): string | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface HubDeps {
  config: HubConfig;
  log: Logger;
  backoff?: BackoffOptions;
}

export function createHub({ config, log, backoff = config.xmpp.reconnect }: HubDeps): Hub {
  const component = createComponent({
    config: config.xmpp,
    log: log.child({ module: "component" }),
    backoff,
  });
  const router = createRouter({ send: component.send, log: log.child({ module: "router" }) });
  const storePath = resolve(config.storage.path ?? join(config.dir, "hub.sqlite"));
  mkdirSync(dirname(storePath), { recursive: true });
  const devicePath = join(dirname(storePath), "devices.sqlite");
  const controlPath = join(dirname(storePath), "control.sqlite");
  // Every file is checked (schema version, then quick/integrity check) before any is opened
  // read-write: a bad one refuses the start with nothing changed (hub/db/open.ts).
  for (const file of [pubsubFile(storePath), deviceFile(devicePath), controlFile(controlPath)]) {
    checkStoreFile(file, config.storage.check);
  }
  const store = openSqliteStore({
    path: storePath,
    commitWindowMs: config.storage.commitWindowMs,
    check: "off",
  });
  const deviceStore = openSqliteDeviceStore({ path: devicePath, check: "off" });
  // Telemetry history shares the item store's connection: an item and its readings commit together.
  const telemetry = createHubHistory({
    database: store.database,
    store,
    config: config.history,
    maxReplyBytes: config.pubsub.maxReplyBytes,
    now: () => Date.now(),
    log: log.child({ module: "history" }),
  });
  const hubJid = config.xmpp.domain;
  const userDomain = config.hub.userDomain ?? userDomainOf(hubJid);
  const metrics = createHubMetrics({
    subscribers: () => countAllSubscriptions(store),
    devicesOnline: async () => {
      const states = await Promise.all(
        (await deviceStore.listDevices()).map((d) => availability.status(d.id)),
      );
      return states.filter((s) => s.availability === "online").length;
    },
    storageFiles: () =>
      ["hub.sqlite", "devices.sqlite", "control.sqlite"].flatMap((f) => {
        const path = f === "hub.sqlite" ? storePath : join(dirname(storePath), f);
        return [path, `${path}-wal`];
      }),
  });
  // The hub acts on the nodes it provisions (availability, affiliations) as a PubSub admin.
  const admins = [...config.hub.admins];
  const pubsub = createPubsub({
    store,
    send: meterDeliveries(component.send, metrics),
    clock: { now: () => Date.now() },
    log: log.child({ module: "pubsub" }),
    jid: hubJid,
    config: {
      domain: userDomain,
      admins: [...admins, hubJid],
      allowLocalUsers: config.hub.allowLocalUsers,
      limits: { ...config.pubsub },
    },
    rules: createDeviceNodeRules({ domain: userDomain, history: telemetry.history }),
    // The registry's part of the one access rule (hub/access/rule.ts); asked only once running.
    registry: deviceReaders({ readers: (id) => devices.readers(id) }),
    // XEP-0199 §4.3 (ping the server): its answer comes after everything sent before it.
    settle: () =>
      component.iq
        .request(xml("iq", { type: "get", to: userDomain }, xml("ping", { xmlns: NS_PING })), 5_000)
        .then(
          () => undefined,
          // Why ignored: an error answer or none is still the end of the wait; pacing goes on.
          () => undefined,
        ),
  });
  const publishMeter = countPublishes({ events: pubsub.service.events, metrics, ignore: hubJid });

  const devices = createDeviceService({
    store: deviceStore,
    nodes: createPubsubDeviceNodes({ service: pubsub.service, hubJid, domain: userDomain }),
    clock: { now: () => Date.now() },
    config: { domain: userDomain, hubJid, admins, lockout: { ...config.devices.lockout } },
  });
  const availability = createHubAvailability({
    config: config.availability,
    hubJid,
    domain: userDomain,
    iq: component.iq,
    pubsub: pubsub.service,
    store,
    isDevice: async (id) => (await deviceStore.getDevice(id)) !== undefined,
    log: log.child({ module: "availability" }),
  });
  const control = createHubControl({
    hubJid,
    domain: userDomain,
    iq: component.iq,
    link: component.link,
    devices,
    availability: (id) => availability.tracker.status(id),
    pubsubStore: store,
    // The state items devices publish: every actuation they report enters the control log.
    events: pubsub.service.events,
    path: controlPath,
    settings: { ...config.control },
    onOutcome: (kind) => metrics.commandOutcome(kind),
    history: { store: telemetry.history, access: pubsub.access },
  });
  const commands = mergeCommands(createDeviceCommands({ devices, jid: hubJid }), control.commands);
  pushAccessChanges({ devices, send: component.send, hubJid, domain: userDomain, log });
  const onChat = createChatRoute({
    chat: createChatCommands({ devices, control: control.chat, clock: { now: () => Date.now() } }),
    send: component.send,
    jid: hubJid,
  });

  const disco = createDisco({ maxReplyBytes: config.pubsub.maxReplyBytes });
  disco.contribute({
    identities: [{ category: "component", type: "generic", name: "xiot hub" }],
    // docs/history.md; XEP-0323 §4: historical readouts of the hub's devices (history/readout-service.ts).
    features: [NS_XIOT_HISTORY, NS_IOT_SENSORDATA],
  });
  disco.contribute(pingDisco);
  disco.contribute(chatDisco);
  disco.contribute(pubsub.disco);
  disco.contribute(commands.disco);
  disco.provide(commands); // before PubSub, which answers item-not-found for any other node
  disco.provide({
    info: (ctx, node) => pubsub.nodeInfo(ctx.from, node),
    nodeItems: (ctx, node) => pubsub.nodeItems(ctx.from, node),
    rootItems: (ctx) => pubsub.rootItems(ctx.from),
  });
  const provisioning = createProvisioningRoutes({
    devices,
    status: availability.status,
    decisionTtlMs: config.devices.decisionTtlMs,
  });
  const routes = [...disco.routes(), pingRoute, ...pubsub.routes, ...commands.routes, ...provisioning];
  // XEP-0323 historical readouts of the hub's devices, answered from history (XEP-0326 nodes).
  const readouts = historyReadoutRoute({
    history: telemetry.history,
    access: pubsub.access,
    send: component.send,
    now: () => Date.now(),
    maxReplyBytes: config.pubsub.maxReplyBytes,
    units: async (device) => {
      const meta = await control.info.meta(device);
      return new Map((meta?.channels ?? []).flatMap((c) => (c.unit ? [[c.name, c.unit] as const] : [])));
    },
    log: log.child({ module: "readout" }),
  });
  for (const route of [...routes, telemetry.route(pubsub.access), readouts]) {
    router.add(route);
  }
  router.onPresence((stanza) => availability.tracker.onPresence(stanza));
  router.onMessage(async (stanza) => {
    if (stanza.attrs.type === "error") await pubsub.onMessageError(stanza);
    else if (!(await pubsub.onMessage(stanza)) && !control.onMessage(stanza)) await onChat(stanza);
  });
  component.onStanza((stanza) => void router.dispatch(stanza));

  /** After each (re)connect: which agents are there (their presence came while the hub was away). */
  const probe = () => {
    deviceStore
      .listDevices()
      .then((all) => availability.tracker.probe(all.filter((d) => d.state === "registered").map((d) => d.id)))
      .catch((error) => log.error({ err: error }, "availability probe failed"));
  };

  const http = createHubHttp({
    config: config.http,
    hubJid,
    domain: userDomain,
    metrics,
    healthy: () => component.link.online,
    log: log.child({ module: "http" }),
  });

  let stopping: Promise<void> | undefined;
  return {
    jid: component.jid,
    httpUrl: () => http.url(),
    httpFailure: () => http.failure(),
    async start() {
      // Items kept from before history are brought into it before anything new is accepted.
      await telemetry.start();
      await http.start();
      pubsub.start();
      // Listeners of the PubSub service's events first: nothing accepted goes unseen.
      publishMeter.start();
      availability.start();
      component.link.on("online", probe);
      try {
        await component.start();
      } catch (error) {
        // A refused handshake (link.ts AuthError) ends the link: undo the rest, so the process exits.
        await this.stop();
        throw error;
      }
    },
    stop() {
      // Once: a failed start() stops the hub, and its caller may stop it again.
      stopping ??= (async () => {
        pubsub.stop();
        telemetry.stop();
        availability.stop();
        publishMeter.stop();
        component.link.off("online", probe);
        await component.stop();
        await http.stop();
        await store.close();
        await deviceStore.close();
        control.close();
      })();
      return stopping;
    },
  };
}

/** hub.example.org serves the users of example.org. */
function userDomainOf(componentDomain: string): string {
  const dot = componentDomain.indexOf(".");
  return dot > 0 ? componentDomain.slice(dot + 1) : componentDomain;
}
