/* Serial sensor factories: a push sensor fed by a frame parser, and a request/response sensor that
 * writes a command and waits for the matching frame. Port handling (reopen with backoff) lives in
 * serial/managed-port.ts; parsing lives in the pure parsers. */
import { z } from "zod";
import { DeviceError } from "../errors";
import { listeners } from "../serial/listeners";
import { type ManagedPort, managedPort } from "../serial/managed-port";
import type { FrameParser } from "../serial/parsers/frame";
import type { DriverContext, DriverStats, PushSensorDriver, Samples, SensorDriver } from "../types";

export function serialOptionsSchema(defaultBaud: number) {
  return z.object({
    /** Device path, e.g. /dev/ttyAMA0, /dev/serial0 or /dev/serial/by-id/usb-… */
    path: z.string().min(1),
    baudRate: z.number().int().positive().default(defaultBaud),
    reopen: z
      .object({
        initialMs: z.number().int().positive().default(500),
        maxMs: z.number().int().positive().default(30_000),
      })
      .default({ initialMs: 500, maxMs: 30_000 }),
    /** Readings older than this are reported with quality `stale`. */
    staleAfterMs: z.number().int().positive().default(60_000),
  });
}
export type SerialOptions = z.output<ReturnType<typeof serialOptionsSchema>>;

export function openManagedPort(options: SerialOptions, context: DriverContext): ManagedPort {
  if (!context.serial) throw new DeviceError("missing-hardware", "no serial opener in the driver context");
  return managedPort({
    opener: context.serial,
    open: { path: options.path, baudRate: options.baudRate },
    backoff: options.reopen,
    clock: context.clock,
    log: context.log.child({ port: options.path }),
  });
}

export interface FrameSensorSpec<F> {
  parser: FrameParser<F>;
  /** Samples for a frame, or undefined for frames that carry no reading (replies, other sentences). */
  toSamples(frame: F, t: number): Samples | undefined;
}

function markStale(samples: Samples, now: number, staleAfterMs: number): Samples {
  const out: Samples = {};
  for (const [name, s] of Object.entries(samples)) {
    const old = s.t !== undefined && now - s.t > staleAfterMs;
    out[name] = old && s.quality === undefined ? { ...s, quality: "stale" } : s;
  }
  return out;
}

/** A push sensor: every good frame becomes samples for the subscribers; bad frames are counted and skipped. */
export function serialFrameSensor<F>(
  spec: FrameSensorSpec<F>,
  options: SerialOptions,
  context: DriverContext,
): PushSensorDriver {
  const port = openManagedPort(options, context);
  const samples = listeners<[Samples]>();
  const errors = listeners<[Error]>();
  const stats: DriverStats = { frames: 0, badFrames: 0, skippedBytes: 0, reopens: 0 };
  let latest: Samples | undefined;
  let opens = 0;
  port.onEvent((event) => {
    if (event.type === "open") {
      if (opens++ > 0) stats.reopens += 1;
      spec.parser.reset();
    } else if (event.type === "retry") {
      errors.emit(
        new DeviceError("io", `${options.path}: ${event.error.message}; retry in ${event.delayMs} ms`),
      );
    }
  });
  port.onData((chunk) => {
    const result = spec.parser.push(chunk);
    stats.skippedBytes += result.skipped;
    for (const error of result.errors) {
      stats.badFrames += 1;
      errors.emit(new DeviceError("bad-data", `${options.path}: ${error.kind}: ${error.message}`));
    }
    for (const frame of result.frames) {
      stats.frames += 1;
      const s = spec.toSamples(frame, context.clock.now());
      if (!s) continue;
      latest = { ...latest, ...s };
      samples.emit(s);
    }
  });
  port.start();
  return {
    acquisition: "push",
    subscribe(listener, onError) {
      const offSamples = samples.add(listener);
      const offErrors = onError ? errors.add(onError) : () => undefined;
      return () => {
        offSamples();
        offErrors();
      };
    },
    async read() {
      if (!latest) throw new DeviceError("no-data", `${options.path}: no frame received yet`);
      return markStale(latest, context.clock.now(), options.staleAfterMs);
    },
    stats: () => ({ ...stats }),
    async close() {
      samples.clear();
      errors.clear();
      await port.stop();
    },
  };
}

export interface RequestSensorSpec<F> {
  parser: FrameParser<F>;
  request: Uint8Array;
  /** Samples from the answer to `request`; undefined for frames that are not that answer. */
  toSamples(frame: F, t: number): Samples | undefined;
  timeoutMs: number;
}

/** A polled serial sensor: each read() writes the request and resolves with the first matching frame. */
export function serialRequestSensor<F>(
  spec: RequestSensorSpec<F>,
  options: SerialOptions,
  context: DriverContext,
): SensorDriver & { stats(): DriverStats } {
  const port = openManagedPort(options, context);
  const stats: DriverStats = { frames: 0, badFrames: 0, skippedBytes: 0, reopens: 0 };
  const frames = listeners<[F]>();
  let opens = 0;
  port.onEvent((event) => {
    if (event.type !== "open") return;
    if (opens++ > 0) stats.reopens += 1;
    spec.parser.reset();
  });
  port.onData((chunk) => {
    const result = spec.parser.push(chunk);
    stats.skippedBytes += result.skipped;
    stats.badFrames += result.errors.length;
    stats.frames += result.frames.length;
    for (const frame of result.frames) frames.emit(frame);
  });
  port.start();
  let queue: Promise<unknown> = Promise.resolve();
  const opened = () =>
    port.isOpen
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const off = port.onEvent((e) => {
            if (e.type === "open") done(true);
          });
          const timer = context.clock.setTimeout(() => done(false), spec.timeoutMs);
          const done = (ok: boolean) => {
            off();
            context.clock.clearTimeout(timer);
            resolve(ok);
          };
        });
  const exchange = () =>
    new Promise<Samples>((resolve, reject) => {
      const timer = context.clock.setTimeout(() => {
        off();
        reject(new DeviceError("timeout", `${options.path}: no answer within ${spec.timeoutMs} ms`));
      }, spec.timeoutMs);
      const off = frames.add((frame) => {
        const s = spec.toSamples(frame, context.clock.now());
        if (!s) return;
        off();
        context.clock.clearTimeout(timer);
        resolve(s);
      });
      port.write(spec.request).catch((error: unknown) => {
        off();
        context.clock.clearTimeout(timer);
        reject(error instanceof DeviceError ? error : new DeviceError("io", String(error), { cause: error }));
      });
    });
  /** Waits up to the timeout for the port (just created, or being reopened), then asks. */
  const readOnce = async () => {
    if (!(await opened())) throw new DeviceError("io", `${options.path}: port not open`);
    return exchange();
  };
  return {
    acquisition: "poll",
    read() {
      // One request in flight at a time: answers carry no id to match them to requests.
      const next = queue.then(readOnce, readOnce);
      // The caller sees the rejection through `next`; the queue only keeps order.
      queue = next.catch(() => undefined);
      return next;
    },
    stats: () => ({ ...stats }),
    close: () => port.stop(),
  };
}
