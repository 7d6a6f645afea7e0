/* A push sensor fed by a serial frame parser: every good frame becomes samples for the subscribers;
 * bad frames are counted, reported to `onError` and skipped. */
import { DeviceError } from "../errors";
import { listeners } from "../serial/listeners";
import type { FrameParser } from "../serial/parsers/frame";
import type { DriverContext, PushSensorDriver, Samples } from "../types";
import { framePipeline, openManagedPort, type SerialOptions } from "./serial-sensor";

export interface FrameSensorSpec<F> {
  parser: FrameParser<F>;
  /** Samples for a frame, or undefined for frames that carry no reading (replies, other sentences). */
  toSamples(frame: F, t: number): Samples | undefined;
}

export function markStale(samples: Samples, now: number, staleAfterMs: number): Samples {
  const out: Samples = {};
  for (const [name, s] of Object.entries(samples)) {
    const old = s.t !== undefined && now - s.t > staleAfterMs;
    out[name] = old && s.quality === undefined ? { ...s, quality: "stale" } : s;
  }
  return out;
}

export function serialFrameSensor<F>(
  spec: FrameSensorSpec<F>,
  options: SerialOptions,
  context: DriverContext,
): PushSensorDriver {
  const port = openManagedPort(options, context);
  const samples = listeners<[Samples]>();
  const errors = listeners<[Error]>();
  let latest: Samples | undefined;
  port.onEvent((event) => {
    if (event.type !== "retry") return;
    errors.emit(
      new DeviceError("io", `${options.path}: ${event.error.message}; retry in ${event.delayMs} ms`),
    );
  });
  const pipeline = framePipeline(
    port,
    spec.parser,
    (frame) => {
      const s = spec.toSamples(frame, context.clock.now());
      if (!s) return;
      latest = { ...latest, ...s };
      samples.emit(s);
    },
    (error) => errors.emit(new DeviceError("bad-data", `${options.path}: ${error.kind}: ${error.message}`)),
  );
  port.start();
  return {
    acquisition: "push",
    subscribe(listener, onError) {
      const off = [samples.add(listener), onError ? errors.add(onError) : () => undefined];
      return () => {
        for (const f of off) f();
      };
    },
    async read() {
      if (!latest) throw new DeviceError("no-data", `${options.path}: no frame received yet`);
      return markStale(latest, context.clock.now(), options.staleAfterMs);
    },
    stats: () => ({ ...pipeline.stats }),
    async close() {
      samples.clear();
      errors.clear();
      await port.stop();
    },
  };
}
