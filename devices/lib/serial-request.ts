/* A polled serial sensor: each read() writes a request and resolves with the first frame that answers
 * it, within a timeout. One request is in flight at a time. */
import { DeviceError } from "../errors";
import { listeners } from "../serial/listeners";
import type { ManagedPort } from "../serial/managed-port";
import type { FrameParser } from "../serial/parsers/frame";
import type { Clock, DriverContext, DriverStats, Samples, SensorDriver } from "../types";
import { framePipeline, openManagedPort, type SerialOptions } from "./serial-sensor";

export interface RequestSensorSpec<F> {
  parser: FrameParser<F>;
  request: Uint8Array;
  /** Samples from the answer to `request`; undefined for frames that are not that answer. */
  toSamples(frame: F, t: number): Samples | undefined;
  timeoutMs: number;
}

/** Resolves true once the port is open (just created, or being reopened), false after `ms`. */
function whenOpen(port: ManagedPort, clock: Clock, ms: number): Promise<boolean> {
  if (port.isOpen) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      off();
      clock.clearTimeout(timer);
      resolve(ok);
    };
    const off = port.onEvent((e) => {
      if (e.type === "open") done(true);
    });
    const timer = clock.setTimeout(() => done(false), ms);
  });
}

export function serialRequestSensor<F>(
  spec: RequestSensorSpec<F>,
  options: SerialOptions,
  context: DriverContext,
): SensorDriver & { stats(): DriverStats } {
  const { clock } = context;
  const port = openManagedPort(options, context);
  const frames = listeners<[F]>();
  // Bad answers are counted; the pending read then ends in its timeout.
  const pipeline = framePipeline(
    port,
    spec.parser,
    (f) => frames.emit(f),
    () => undefined,
  );
  port.start();
  const exchange = () =>
    new Promise<Samples>((resolve, reject) => {
      const finish = (error: Error | undefined, samples?: Samples) => {
        off();
        clock.clearTimeout(timer);
        if (error) reject(error);
        else resolve(samples!);
      };
      const timer = clock.setTimeout(
        () => finish(new DeviceError("timeout", `${options.path}: no answer within ${spec.timeoutMs} ms`)),
        spec.timeoutMs,
      );
      const off = frames.add((frame) => {
        const s = spec.toSamples(frame, clock.now());
        if (s) finish(undefined, s);
      });
      port.write(spec.request).catch((error: unknown) => {
        finish(error instanceof DeviceError ? error : new DeviceError("io", String(error), { cause: error }));
      });
    });
  const readOnce = async () => {
    if (!(await whenOpen(port, clock, spec.timeoutMs)))
      throw new DeviceError("io", `${options.path}: port not open`);
    return exchange();
  };
  let queue: Promise<unknown> = Promise.resolve();
  return {
    acquisition: "poll",
    read() {
      // Answers carry no id to match them to requests, so requests never overlap.
      const next = queue.then(readOnce, readOnce);
      // The caller sees the rejection through `next`; the queue only keeps order.
      queue = next.catch(() => undefined);
      return next;
    },
    stats: () => ({ ...pipeline.stats }),
    close: () => port.stop(),
  };
}
