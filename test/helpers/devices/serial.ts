/* Helpers for serial tests: an opener that reports every chunk the driver side receives (so a test can
 * wait for "the first half of a frame has been read" instead of sleeping), and event waiters. */

import type { SerialOpener } from "../../../devices/serial/types";
import type { PushSensorDriver, Samples } from "../../../devices/types";

export interface RecordingOpener extends SerialOpener {
  /** Resolves when the driver side has received, in total, at least `bytes` more bytes. */
  received(bytes: number, timeoutMs?: number): Promise<void>;
}

export function recordingOpener(inner: SerialOpener): RecordingOpener {
  let total = 0;
  const waiters: { at: number; resolve: () => void }[] = [];
  return {
    list: () => inner.list(),
    async open(options) {
      const link = await inner.open(options);
      link.onData((chunk) => {
        total += chunk.length;
        for (const w of waiters.filter((w) => total >= w.at)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      });
      return link;
    },
    received(bytes, timeoutMs = 5000) {
      return withTimeout(
        new Promise<void>((resolve) => waiters.push({ at: total + bytes, resolve })),
        timeoutMs,
      );
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what = "event"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function nextSamples(
  driver: PushSensorDriver,
  match: (s: Samples) => boolean = () => true,
  ms = 5000,
): Promise<Samples> {
  let off: () => void = () => undefined;
  const p = new Promise<Samples>((resolve) => {
    off = driver.subscribe((s) => {
      if (match(s)) resolve(s);
    });
  });
  return withTimeout(p, ms, "samples").finally(() => off());
}

export function nextError(driver: PushSensorDriver, match: (e: Error) => boolean, ms = 5000): Promise<Error> {
  let off: () => void = () => undefined;
  const p = new Promise<Error>((resolve) => {
    off = driver.subscribe(
      () => undefined,
      (e) => {
        if (match(e)) resolve(e);
      },
    );
  });
  return withTimeout(p, ms, "driver error").finally(() => off());
}

/** Writes `frame` every `everyMs` until stopped: a sensor that streams, for waiting until a port is open. */
export function repeatWrites(write: (b: Uint8Array) => Promise<void>, frame: Uint8Array, everyMs = 20) {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      // A write can fail while the other side is replugging; the next round tries again.
      await write(frame).catch(() => undefined);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  const done = loop();
  return async () => {
    stopped = true;
    await done;
  };
}
