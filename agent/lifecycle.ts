/* Start and stop in order, and what happens when the link comes and goes.
 * References: docs/design.md §4 (liveness and delivery: the outbox drains after each reconnect, in order,
 * with bounded in-flight publishes).
 *
 * Online: the announce sequence (presence, clock, nodes, meta, state) runs first; only then may
 * the outbox drain. If it fails it is retried every few seconds while online. Offline: the outbox
 * stops issuing; pending publish IQs fail at once and are retried after the next online.
 * Stop (SIGTERM): sampling stops, actuators go to their safe states, the open document is
 * flushed into the outbox, the outbox gets a few seconds to drain if online, state is published,
 * then the session closes. */
import type { Logger } from "../shared/log";
import type { AgentClock } from "./clock";
import type { AgentConfig } from "./config";
import type { Actuators } from "./control/actuators";
import type { ReadingsPipeline } from "./readings/pipeline";
import type { Sampler } from "./readings/sampler";
import type { Announcer } from "./xmpp/announce";
import type { Keepalive } from "./xmpp/keepalive";
import { HubRefusedError } from "./xmpp/provisioning";
import type { AgentSession } from "./xmpp/session";

export interface LifecycleParts {
  config: AgentConfig;
  log: Logger;
  session: AgentSession;
  pipeline: ReadingsPipeline;
  sampler: Sampler;
  announcer: Announcer;
  actuators: Actuators;
  clock: AgentClock;
  keepalive: Keepalive;
  /** Wait between failed announce attempts. Default 3 s. */
  retryMs?: number;
  /** Longest wait for the outbox to drain at stop. Default 5 s. */
  drainMs?: number;
}

export class Lifecycle {
  readonly #p: LifecycleParts;
  #announced: (() => void) | undefined;
  #refused: ((error: Error) => void) | undefined;
  #retry: NodeJS.Timeout | undefined;
  #stateTimer: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(parts: LifecycleParts) {
    this.#p = parts;
  }

  async start(): Promise<void> {
    const { session, pipeline, sampler, clock, config } = this.#p;
    await clock.start();
    const ready = new Promise<void>((resolve, reject) => {
      this.#announced = resolve;
      this.#refused = reject;
    });
    session.connection.link.on("online", this.#onOnline);
    session.connection.link.on("offline", this.#onOffline);
    pipeline.outbox.start();
    sampler.start();
    this.#stateTimer = setInterval(() => void this.#p.announcer.publishState(), config.state.intervalMs);
    await session.start();
    await ready;
  }

  async stop(): Promise<void> {
    const { session, pipeline, sampler, announcer, actuators, clock, log } = this.#p;
    this.#stopping = true;
    sampler.stop();
    this.#p.keepalive.stop();
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#stateTimer) clearInterval(this.#stateTimer);
    try {
      await actuators.safeState();
    } catch (error) {
      log.error({ err: error }, "could not apply safe states");
    }
    pipeline.batcher.flush();
    if (session.online) await withTimeout(pipeline.outbox.whenIdle(), this.#p.drainMs ?? 5000);
    await announcer.publishState();
    session.connection.link.off("online", this.#onOnline);
    session.connection.link.off("offline", this.#onOffline);
    const waiting = pipeline.store.usage().records;
    await pipeline.stop();
    await session.stop();
    clock.stop();
    log.info({ waiting }, "agent stopped; documents not yet published stay in the outbox");
  }

  readonly #onOnline = () => {
    this.#p.keepalive.start();
    void this.#announce();
  };

  readonly #onOffline = () => {
    this.#p.keepalive.stop();
    this.#p.pipeline.outbox.setOnline(false);
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = undefined;
  };

  async #announce(): Promise<void> {
    const { session, announcer, pipeline, log } = this.#p;
    if (this.#stopping || !session.online) return;
    try {
      await announcer.online();
    } catch (error) {
      if (error instanceof HubRefusedError) {
        // Retrying cannot cure it: the bundle does not match what the hub provisioned.
        log.error(error.message);
        this.#refused?.(error);
        return;
      }
      log.warn({ err: error }, "could not prepare the device's nodes; retrying");
      this.#retry = setTimeout(() => void this.#announce(), this.#p.retryMs ?? 3000);
      return;
    }
    pipeline.outbox.setOnline(true);
    this.#announced?.();
    this.#announced = undefined;
  }
}

async function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  if (timer) clearTimeout(timer);
}
