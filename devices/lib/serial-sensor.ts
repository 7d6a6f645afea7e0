/* Shared pieces of the serial sensors (serial-push.ts, serial-request.ts): the options schema, the
 * managed port, and the byte → frame pipeline with its counters. Port handling (reopen with backoff)
 * lives in serial/managed-port.ts; parsing lives in the pure parsers. */
import { z } from "zod";
import { DeviceError } from "../errors";
import { type ManagedPort, managedPort } from "../serial/managed-port";
import type { FrameError, FrameParser } from "../serial/parsers/frame";
import type { DriverContext, DriverStats } from "../types";

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

export interface FramePipeline {
  readonly stats: DriverStats;
}

/**
 * Feeds port bytes through the parser: counts frames, bad frames, skipped bytes and reopens, and
 * forgets partial frames when the port (re)opens, since bytes from before an unplug never finish.
 */
export function framePipeline<F>(
  port: ManagedPort,
  parser: FrameParser<F>,
  onFrame: (frame: F) => void,
  onBadFrame: (error: FrameError) => void,
): FramePipeline {
  const stats: DriverStats = { frames: 0, badFrames: 0, skippedBytes: 0, reopens: 0 };
  let opens = 0;
  port.onEvent((event) => {
    if (event.type !== "open") return;
    if (opens++ > 0) stats.reopens += 1;
    parser.reset();
  });
  port.onData((chunk) => {
    const result = parser.push(chunk);
    stats.skippedBytes += result.skipped;
    stats.badFrames += result.errors.length;
    stats.frames += result.frames.length;
    for (const error of result.errors) onBadFrame(error);
    for (const frame of result.frames) onFrame(frame);
  });
  return { stats };
}
