/* The agent's composition root: state folder lock, channels, clock, session, readings pipeline,
 * control, lifecycle.
 * References: docs/design.md §1 (the agent), docs/design.md §2 (nodes, payloads, commands),
 * docs/protocol.md ("One agent per state folder"). */

import type { Element } from "@xmpp/xml";
import { systemContext } from "../devices";
import type { ActuatorChannel } from "../devices/types";
import { agentJid, hubJid } from "../shared/jid";
import type { Logger } from "../shared/log";
import { readingsNode } from "../shared/model";
import { NS_DISCO_INFO, NS_IOT_CONTROL, NS_IOT_SENSORDATA, NS_PING } from "../shared/xmpp/ns";
import { makeMetaPayload, makeStatePayload } from "../shared/xmpp/pubsub-device";
import { ensureAccount } from "./account";
import { actuatorsOf, closeChannels, openChannels, planChannels } from "./channels";
import { AgentClock } from "./clock";
import { type AgentConfig, clockMode } from "./config";
import { Actuators } from "./control/actuators";
import { createAuthority } from "./control/authority";
import { chatHandler } from "./control/chat";
import { controlHandler } from "./control/control-iq";
import { type Operation, RESTART_EXIT_CODE } from "./control/operations";
import { readoutHandler } from "./control/readout";
import { SeenCommands } from "./control/seen";
import { Lifecycle } from "./lifecycle";
import { metaDocument, stateDocument, statusLine } from "./meta-state";
import { openPipeline } from "./readings/pipeline";
import { Sampler } from "./readings/sampler";
import { acquireStateLock, StateLockedError } from "./state-lock";
import { AGENT_VERSION } from "./version";
import { Watchdog } from "./watchdog";
import { Announcer } from "./xmpp/announce";
import { createContacts, NS_ROSTER } from "./xmpp/contacts";
import { discoInfo } from "./xmpp/disco";
import { Keepalive } from "./xmpp/keepalive";
import { readingsPublisher } from "./xmpp/pubsub";
import { createSession } from "./xmpp/session";

type IqContext = { stanza: Element; element: Element };

export interface Agent {
  jid: string;
  device: string;
  /** Resolves once online with nodes ready and meta published. */
  start(): Promise<void>;
  /** Flushes what can be flushed, applies safe states, goes offline. */
  stop(): Promise<void>;
}

/** Locks the state folder (agent/state-lock.ts), then builds the agent; the lock goes with stop().
 * Throws StateLockedError, naming the holder, when another agent has the folder. */
export async function createAgent(config: AgentConfig, log: Logger): Promise<Agent> {
  const lock = await acquireStateLock({ dir: config.state.dir, log });
  if (!lock.ok) throw new StateLockedError(lock.error.dir, lock.error.holder);
  log.info({ stateDir: config.state.dir }, `state folder ${config.state.dir}`);
  const release = () =>
    lock.value.release().catch((err) => log.warn({ err }, "could not release the state folder lock"));
  try {
    const agent = await assembleAgent(config, log);
    return {
      ...agent,
      async stop() {
        try {
          await agent.stop();
        } finally {
          await release();
        }
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

async function assembleAgent(config: AgentConfig, log: Logger): Promise<Agent> {
  const deviceId = config.device.id;
  const hub = config.hub.jid ?? hubJid(config.xmpp.domain);
  const plans = planChannels(config);
  // First boot of a provisioned device registers its account (before any hardware is opened).
  const password = await ensureAccount(config, log);
  const context = systemContext({ log: log.child({ module: "devices" }) });
  const channels = await openChannels(plans, context);
  const clock = new AgentClock({ mode: clockMode(config), maxOffsetMs: config.clock.maxOffsetMs, log });
  const session = createSession(config, password, log);
  const publish = readingsPublisher({
    request: session.request,
    hub,
    node: readingsNode(deviceId),
    timeoutMs: config.xmpp.requestTimeoutMs,
  });
  let sampler: Sampler | undefined;
  const pipeline = await openPipeline({
    config,
    log,
    publish,
    synced: () => clock.synced(),
    onPressure: (paused) => sampler?.pause(paused),
  });
  sampler = new Sampler({ channels, log, onReading: pipeline.add, onProduced: pipeline.produced });
  const seen = await SeenCommands.open(config.state.dir, Date.now(), undefined, (err) =>
    log.warn({ err }, "commands.jsonl not compacted; kept as it is"),
  );
  const startedAt = Date.now();
  const keep = new Set(
    plans.filter((p) => p.config.safeState === "keep").flatMap((p) => p.channels.map((c) => c.name)),
  );
  const actuators = new Actuators({
    actuators: actuatorsOf(channels).map(({ channel, open }) => ({
      channel: withSafeState(channel, open.config.safeState),
      open,
    })),
    stateDir: config.state.dir,
    seen,
    keep,
    hubNow: () => clock.hubNow(),
    uncertaintyMs: () => clock.uncertaintyMs,
    whenClockKnown: (ms) => clock.whenKnown(ms),
    log: log.child({ module: "control" }),
    onChange: (_open, name, sample) => {
      sampler?.report(name, sample);
      void announcer.publishState();
    },
  });
  const meta = metaDocument({ deviceId, model: config.device.model, version: AGENT_VERSION, channels });
  const announcer = new Announcer({
    session,
    deviceId,
    hub,
    timeSource: config.xmpp.domain,
    allow: config.allow,
    clock,
    log,
    ...(config.hub.registrationSecret !== undefined && {
      registration: {
        secret: config.hub.registrationSecret,
        tags: { model: config.device.model, firmware: AGENT_VERSION, agent: "xiot" },
      },
    }),
    meta: () => makeMetaPayload(meta),
    state: async () =>
      makeStatePayload(
        stateDocument({
          deviceId,
          boot: pipeline.boot.id,
          version: AGENT_VERSION,
          uptime: Math.round((Date.now() - startedAt) / 1000),
          synced: clock.synced(),
          now: Date.now(),
          actuators: await actuators.states(),
          origins: actuators.origins(),
          quarantined: pipeline.outbox.quarantined,
        }),
      ),
  });
  // The state item counts the quarantine: publish it again when a document joins it.
  pipeline.outbox.onQuarantined(() => void announcer.publishState());
  const controlLog = log.child({ module: "control" });
  const allowed = createAuthority({
    allow: config.allow,
    hub,
    request: session.request,
    log: controlLog,
    onRevoked: (jid, left) => {
      if (left === "none")
        contacts.revoked(jid).catch((err) => controlLog.warn({ err }, "unsubscribed not sent"));
    },
    onGranted: (jid) => {
      contacts.granted(jid).catch((err) => controlLog.warn({ err }, "subscribe not sent"));
    },
  });
  const contacts = createContacts({ allowed, send: session.send, log: controlLog });
  const xmpp = session.connection.xmpp;
  const readout = readoutHandler({ deviceId, channels, allowed, send: session.send, log: controlLog });
  // restart / reload (control/operations.ts): stop gracefully, then exit for the service manager
  // to start the agent again with its configuration read afresh.
  let operating = false;
  const operate = (op: Operation, from: string) => {
    if (operating) return;
    operating = true;
    log.warn({ op, from }, "stopping for a remote restart");
    void agent
      .stop()
      .catch((err) => log.error({ err }, "stop before the restart failed"))
      .finally(() => process.exit(RESTART_EXIT_CODE));
  };
  const control = controlHandler({ actuators, allowed, log: controlLog, operate });
  // The iqCallee context carries the stanza and its one child (`element`), which is all handlers read.
  xmpp.iqCallee.get(NS_IOT_SENSORDATA, "req", (ctx: unknown) => readout(ctx as IqContext));
  xmpp.iqCallee.set(NS_IOT_CONTROL, "set", (ctx: unknown) => control(ctx as IqContext));
  // RFC 6121 §2.1.6: a roster push (from the account's own server) is acknowledged.
  xmpp.iqCallee.set(NS_ROSTER, "query", () => true);
  xmpp.iqCallee.get(NS_DISCO_INFO, "query", (ctx: unknown) =>
    discoInfo(deviceId, (ctx as IqContext).element),
  );
  const onChat = chatHandler({
    deviceId,
    channels,
    actuators,
    allowed,
    chatTtlMs: config.control.chatTtlMs,
    // A stamp from the server's offline store is compared by the hub's clock, not the board's.
    now: () => clock.hubNow(),
    whenClockKnown: (ms) => clock.whenKnown(ms),
    status: () =>
      statusLine({
        deviceId,
        uptime: Math.round((Date.now() - startedAt) / 1000),
        boot: pipeline.boot.id,
        synced: clock.synced(),
        waiting: pipeline.store.usage().records,
        quarantined: pipeline.outbox.quarantined,
      }),
    send: session.send,
    log: controlLog,
    operate,
  });
  xmpp.on("stanza", (stanza) => {
    if (stanza.is("presence")) {
      contacts.onPresence(stanza).catch((err) => controlLog.warn({ err }, "presence request not answered"));
      return;
    }
    if (!stanza.is("message") || allowed.onMessage(stanza)) return;
    onChat(stanza).catch((err) => controlLog.warn({ err }, "chat command failed"));
  });
  // XEP-0199: answer pings (the hub checks liveness with them) and send our own.
  xmpp.iqCallee.get(NS_PING, "ping", () => true);
  const keepalive = new Keepalive({
    session,
    domain: config.xmpp.domain,
    intervalMs: config.xmpp.pingIntervalMs,
    timeoutMs: config.xmpp.requestTimeoutMs,
    log,
  });
  const lifecycle = new Lifecycle({
    config,
    log,
    session,
    pipeline,
    sampler,
    announcer,
    actuators,
    clock,
    keepalive,
  });
  const watchdog = new Watchdog({ log: log.child({ module: "watchdog" }) });
  const agent: Agent = {
    jid: agentJid(config.xmpp.username ?? deviceId, config.xmpp.domain),
    device: deviceId,
    async start() {
      // Ready for systemd once running, not once online: offline, the outbox keeps the readings.
      watchdog.start();
      await lifecycle.start();
    },
    async stop() {
      await lifecycle.stop();
      seen.close();
      await closeChannels(channels, context);
      await watchdog.stop();
    },
  };
  return agent;
}

function withSafeState(
  channel: ActuatorChannel,
  override: boolean | number | "keep" | undefined,
): ActuatorChannel {
  return override === undefined || override === "keep" ? channel : { ...channel, safeState: override };
}
