/* A serial port that stays open: opens through the injected opener, and when the device is unplugged
 * (close with `disconnected`) or cannot be opened, retries with exponential backoff on the injected
 * clock until stopped. */
import type { Logger } from "../../shared/log";
import { DeviceError, errorMessage } from "../errors";
import type { Clock, Unsubscribe } from "../types";
import { listeners } from "./listeners";
import type { SerialLink, SerialOpener, SerialOpenOptions } from "./types";

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export type PortEvent =
  | { type: "open" }
  | { type: "closed"; disconnected: boolean; error?: Error }
  | { type: "retry"; attempt: number; delayMs: number; error: Error };

export interface ManagedPort {
  start(): void;
  stop(): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): Unsubscribe;
  onEvent(listener: (event: PortEvent) => void): Unsubscribe;
  write(bytes: Uint8Array): Promise<void>;
  readonly isOpen: boolean;
}

export interface ManagedPortDeps {
  opener: SerialOpener;
  open: SerialOpenOptions;
  backoff: Backoff;
  clock: Clock;
  log: Logger;
}

export function backoffDelay(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
}

export function managedPort({ opener, open, backoff, clock, log }: ManagedPortDeps): ManagedPort {
  const data = listeners<[Uint8Array]>();
  const events = listeners<[PortEvent]>();
  let link: SerialLink | undefined;
  let running = false;
  let attempt = 0;
  let timer: unknown;

  const scheduleRetry = (error: Error) => {
    if (!running) return;
    const delayMs = backoffDelay(backoff, attempt);
    attempt += 1;
    log.warn({ path: open.path, attempt, delayMs, err: error.message }, "serial port unavailable, retrying");
    events.emit({ type: "retry", attempt, delayMs, error });
    timer = clock.setTimeout(() => {
      timer = undefined;
      void connect();
    }, delayMs);
  };

  const connect = async () => {
    let opened: SerialLink;
    try {
      opened = await opener.open(open);
    } catch (error) {
      scheduleRetry(error instanceof Error ? error : new DeviceError("io", errorMessage(error)));
      return;
    }
    if (!running) {
      await opened.close();
      return;
    }
    link = opened;
    attempt = 0;
    opened.onData((chunk) => data.emit(chunk));
    opened.onClose((info) => {
      if (link !== opened) return;
      link = undefined;
      events.emit({ type: "closed", ...info });
      // Our own stop() detaches `link` before closing, so any close seen here was not asked for.
      scheduleRetry(info.error ?? new DeviceError("io", `${open.path} closed`));
    });
    log.info({ path: open.path }, "serial port open");
    events.emit({ type: "open" });
  };

  return {
    start() {
      if (running) return;
      running = true;
      void connect();
    },
    async stop() {
      running = false;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      const current = link;
      link = undefined;
      if (current) await current.close();
    },
    onData: (l) => data.add(l),
    onEvent: (l) => events.add(l),
    async write(bytes) {
      if (!link) throw new DeviceError("io", `${open.path} is not open`);
      await link.write(bytes);
    },
    get isOpen() {
      return link !== undefined;
    },
  };
}
