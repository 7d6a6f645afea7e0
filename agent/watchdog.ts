/* The systemd notification protocol for the agent: READY=1 once it runs, WATCHDOG=1 every half
 * watchdog period while the event loop turns, STOPPING=1 when it stops. Node cannot open the Unix
 * datagram socket in NOTIFY_SOCKET, so each message is sent by a short-lived `systemd-notify`
 * (the unit sets NotifyAccess=all, since the sender is a child process; systemd-notify waits for
 * the service manager to take the message before it exits, so it is attributed to the unit).
 * A blocked event loop runs no timer, sends nothing, and systemd kills and restarts the agent.
 * Without NOTIFY_SOCKET (not run by systemd) nothing happens.
 * References: sd_notify(3), sd_watchdog_enabled(3) (WATCHDOG_USEC, WATCHDOG_PID), systemd-notify(1),
 * systemd.service(5) (WatchdogSec=, NotifyAccess=). */
import { execFile } from "node:child_process";
import type { Logger } from "../shared/log";

export type Notify = (assignments: string[]) => Promise<void>;

export interface WatchdogOptions {
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Sends one notification; default: runs systemd-notify. */
  notify?: Notify;
}

/** The interval to notify at: half of WATCHDOG_USEC when the watchdog is meant for this process
 * (WATCHDOG_PID absent, ours, or our parent's: the agent may run as a child of the process
 * systemd started, see shared/xmpp/ca.ts). */
export function watchdogIntervalMs(
  env: NodeJS.ProcessEnv,
  pid = process.pid,
  ppid = process.ppid,
): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  const owner = env.WATCHDOG_PID;
  if (owner !== undefined && owner !== String(pid) && owner !== String(ppid)) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

export function systemdNotify(env: NodeJS.ProcessEnv): Notify {
  return (assignments) =>
    new Promise((resolve, reject) => {
      execFile("systemd-notify", assignments, { env, timeout: 10_000 }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
}

export class Watchdog {
  readonly #log: Logger;
  readonly #env: NodeJS.ProcessEnv;
  readonly #notify: Notify;
  #timer: NodeJS.Timeout | undefined;
  #sending = false;
  #warned = false;

  constructor(o: WatchdogOptions) {
    this.#log = o.log;
    const env = o.env ?? process.env;
    this.#env = { ...env };
    // Like sd_notify(unset_environment=1): only our notifications go to systemd, never those of
    // other programs the agent runs (timedatectl, gpioset…), which would inherit the variable.
    if (env === process.env) delete process.env.NOTIFY_SOCKET;
    this.#notify = o.notify ?? systemdNotify(this.#env);
  }

  get enabled(): boolean {
    return typeof this.#env.NOTIFY_SOCKET === "string" && this.#env.NOTIFY_SOCKET !== "";
  }

  /** READY=1, then WATCHDOG=1 every half period (when systemd asked for a watchdog). */
  start(): void {
    if (!this.enabled) return;
    void this.#send(["READY=1", "STATUS=running"]);
    const interval = watchdogIntervalMs(this.#env);
    if (interval === undefined) return;
    this.#log.info({ intervalMs: interval }, "notifying the systemd watchdog");
    this.#timer = setInterval(() => void this.#pet(), interval);
    this.#timer.unref();
  }

  /** STOPPING=1 and no more watchdog notifications. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.enabled) await this.#send(["STOPPING=1"]);
  }

  async #pet(): Promise<void> {
    // One at a time: a notification still on its way is as good as a new one.
    if (this.#sending) return;
    this.#sending = true;
    try {
      await this.#send(["WATCHDOG=1"]);
    } finally {
      this.#sending = false;
    }
  }

  async #send(assignments: string[]): Promise<void> {
    try {
      await this.#notify(assignments);
    } catch (error) {
      // Why not rethrown: a failed notification must not stop the agent; systemd acts on silence.
      if (!this.#warned)
        this.#log.warn({ err: error }, "systemd-notify failed (is the systemd package installed?)");
      this.#warned = true;
    }
  }
}
