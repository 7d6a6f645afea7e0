/* Waveforms for simulated sensors: sine, random walk and step, plus Gaussian noise. Pure given the
 * elapsed time and a seeded random source. */
import { z } from "zod";
import type { Random } from "./random";

export const sineSchema = z.object({
  type: z.literal("sine"),
  mean: z.number(),
  amplitude: z.number().nonnegative(),
  periodMs: z.number().positive(),
  /** Radians added to the angle; 0 starts at the mean, rising. */
  phase: z.number().default(0),
});

export const randomWalkSchema = z
  .object({
    type: z.literal("random-walk"),
    start: z.number(),
    /** Largest change per read; each read moves by a uniform amount in [-step, step]. */
    step: z.number().positive(),
    min: z.number(),
    max: z.number(),
  })
  .refine((w) => w.min <= w.start && w.start <= w.max, { message: "start must lie in [min, max]" });

export const stepSchema = z.object({
  type: z.literal("step"),
  levels: z.array(z.number()).min(1),
  /** Time spent on each level before moving to the next (cycling). */
  periodMs: z.number().positive(),
});

export const waveformSchema = z.discriminatedUnion("type", [sineSchema, randomWalkSchema, stepSchema]);
export type Waveform = z.output<typeof waveformSchema>;

/** Returns a function of elapsed ms since the driver started. Random walk state advances per call. */
export function waveformGenerator(waveform: Waveform, random: Random): (elapsedMs: number) => number {
  switch (waveform.type) {
    case "sine":
      return (elapsed) =>
        waveform.mean +
        waveform.amplitude * Math.sin((2 * Math.PI * elapsed) / waveform.periodMs + waveform.phase);
    case "step":
      return (elapsed) => {
        const index = Math.floor(Math.max(0, elapsed) / waveform.periodMs) % waveform.levels.length;
        return waveform.levels[index]!;
      };
    case "random-walk": {
      let x = waveform.start;
      return () => {
        x = Math.min(waveform.max, Math.max(waveform.min, x + (random.next() * 2 - 1) * waveform.step));
        return x;
      };
    }
  }
}

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
