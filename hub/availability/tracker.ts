/* Device availability: presence from the agent, readings publishes and XEP-0199 pings feed the
 * state machine (machine.ts); every change is published to devices/<id>/availability.
 * References: RFC 6121 §4.6 (directed presence), XEP-0199 §4.2 (pinging a client), docs/design.md §2
 * (availability node), docs/design.md §4 (a hibernating session looks online: pings decide).
 *
 * Events for all devices run one at a time, in arrival order, so the published sequence is the
 * sequence of changes. A tick (every `tickMs`) marks silent devices stale and pings connected
 * sessions whose last ping is `pingIntervalMs` old; a ping unanswered within `pingTimeoutMs`, or
 * answered with an error other than feature-not-implemented, makes the device offline. */
import type { Element } from "@xmpp/xml";
import { AGENT_RESOURCE, agentJid, normalizeJid } from "../../shared/jid";
import type { Logger } from "../../shared/log";
import { isDeviceId } from "../../shared/model";
import { type AvailabilityEvent, type DeviceAvailability, initialAvailability, step } from "./machine";
import type { AvailabilityPayload, AvailabilityReason } from "./payload";

export interface AvailabilityConfig {
  pingIntervalMs: number;
  pingTimeoutMs: number;
  staleAfterMs: number;
  /** How often silence and ping schedules are checked; default from the two intervals. */
  tickMs?: number;
}

/** `unknown`: the hub could not ask (its own link is down); nothing changes. */
export type PingOutcome = "alive" | "gone" | "unknown";

export interface AvailabilityDeps {
  config: AvailabilityConfig;
  clock: { now(): number };
  /** The users' domain: agents are `<id>@<domain>/agent`. */
  domain: string;
  /** Whether a device id is in the registry (others are ignored). */
  isDevice(id: string): Promise<boolean>;
  ping(fullJid: string, timeoutMs: number): Promise<PingOutcome>;
  publish(id: string, payload: AvailabilityPayload): Promise<void>;
  /** The last published payload, so a restarted hub does not publish the same state again. */
  load?(id: string): Promise<AvailabilityPayload | undefined>;
  log: Logger;
}

interface Entry {
  s: DeviceAvailability;
  lastPing: number;
  pinging: boolean;
}

export function createAvailability(deps: AvailabilityDeps) {
  const { config, clock, log } = deps;
  const entries = new Map<string, Entry>();
  const domain = deps.domain.toLowerCase();
  const tickMs =
    config.tickMs ?? Math.max(20, Math.min(1000, config.pingIntervalMs / 4, config.staleAfterMs / 4));
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  /** Runs state changes one at a time; a failure is logged and does not stop the next. */
  const serial = (task: () => Promise<void>): Promise<void> => {
    const run = chain.then(task).catch((error) => log.error({ err: error }, "availability update failed"));
    chain = run;
    return run;
  };

  async function entryOf(id: string): Promise<Entry> {
    let entry = entries.get(id);
    if (!entry) {
      const last = await deps.load?.(id);
      entry = { s: initialAvailability(last?.state, last?.since ?? 0), lastPing: 0, pinging: false };
      entries.set(id, entry);
    }
    return entry;
  }

  async function apply(id: string, event: AvailabilityEvent, reason: AvailabilityReason): Promise<void> {
    const entry = await entryOf(id);
    const now = clock.now();
    const { next, changed } = step(entry.s, event, now);
    if (event.type === "available" || (event.type === "reading" && !entry.s.connected)) entry.lastPing = now;
    entry.s = next;
    if (!changed || next.state === undefined) return;
    log.info({ device: id, state: next.state, reason }, "device availability changed");
    await deps.publish(id, { state: next.state, since: next.since, reason });
  }

  /** The device id of an agent's full JID, or undefined. */
  function agentOf(from: string | undefined): { id: string; full: string } | undefined {
    const jid = normalizeJid(from);
    if (!jid || jid.domain !== domain || jid.resource !== AGENT_RESOURCE || !isDeviceId(jid.local))
      return undefined;
    return { id: jid.local, full: jid.full };
  }

  async function known(id: string): Promise<boolean> {
    return entries.has(id) || (await deps.isDevice(id));
  }

  async function pingOne(id: string, entry: Entry, session: string): Promise<void> {
    entry.pinging = true;
    entry.lastPing = clock.now();
    let outcome: PingOutcome;
    try {
      outcome = await deps.ping(session, config.pingTimeoutMs);
    } finally {
      entry.pinging = false;
    }
    if (outcome === "gone") await serial(() => apply(id, { type: "ping-failed", session }, "ping-timeout"));
  }

  function tick(): void {
    const now = clock.now();
    for (const [id, entry] of entries) {
      if (
        entry.s.connected &&
        entry.s.state === "online" &&
        now - entry.s.lastActivity >= config.staleAfterMs
      ) {
        void serial(() => apply(id, { type: "check", staleAfterMs: config.staleAfterMs }, "silence"));
      }
      const session = entry.s.session;
      if (session && entry.s.connected && !entry.pinging && now - entry.lastPing >= config.pingIntervalMs) {
        pingOne(id, entry, session).catch((error) => log.error({ err: error, device: id }, "ping failed"));
      }
    }
  }

  return {
    tickMs,
    /** Presence stanzas that reach the hub. */
    onPresence(stanza: Element): Promise<void> {
      const agent = agentOf(stanza.attrs.from as string | undefined);
      const type = stanza.attrs.type as string | undefined;
      if (!agent || (type !== undefined && type !== "unavailable")) return Promise.resolve();
      return serial(async () => {
        if (!(await known(agent.id))) return;
        if (type === "unavailable")
          await apply(agent.id, { type: "unavailable", session: agent.full }, "unavailable");
        else await apply(agent.id, { type: "available", session: agent.full }, "presence");
      });
    },
    /** A readings item was stored for `id`, published by `publisher` (a full JID). */
    onReading(id: string, publisher: string): Promise<void> {
      const agent = agentOf(publisher);
      if (!agent || agent.id !== id) return Promise.resolve();
      return serial(async () => {
        if (await known(id)) await apply(id, { type: "reading", session: agent.full }, "reading");
      });
    },
    /** After a (re)start: pings each device's agent once and publishes what it finds. */
    async probe(ids: string[]): Promise<void> {
      await Promise.all(
        ids.map(async (id) => {
          const session = agentJid(id, domain);
          const outcome = await deps.ping(session, config.pingTimeoutMs);
          if (outcome === "unknown") return;
          await serial(async () => {
            const event: AvailabilityEvent =
              outcome === "alive" ? { type: "available", session } : { type: "ping-failed", session };
            await apply(id, event, "probe");
          });
        }),
      );
    },
    status(id: string): { availability?: string; since?: number } {
      const s = entries.get(id)?.s;
      return s?.state === undefined ? {} : { availability: s.state, since: s.since };
    },
    /** Resolves when every event received so far is applied (tests, shutdown). */
    settled: (): Promise<void> => serial(async () => undefined),
    tick,
    start(): void {
      if (timer) return;
      timer = setInterval(tick, tickMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export type Availability = ReturnType<typeof createAvailability>;
