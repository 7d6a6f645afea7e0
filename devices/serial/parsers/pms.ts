/* References: Plantower PMS5003 data manual v2.3, "Appendix I: transport protocol – active mode".
 * Frame: 0x42 0x4D, frame length (big-endian, bytes after itself = 2×13+2 for the PMS5003), 13 data
 * words, check code = 16-bit sum of every byte before it. Other PMSx003 models share the header, the
 * length field and the first 12 words, so any length 20–60 with a good check code is decoded. */
import { binaryFrameParser, type FrameParser, hex, sum } from "./frame";

export interface PmsFrame {
  /** Standard-particle (CF=1) concentrations, µg/m³. */
  cf1: { pm1_0: number; pm2_5: number; pm10: number };
  /** Atmospheric-environment concentrations, µg/m³ (the ones to publish). */
  atm: { pm1_0: number; pm2_5: number; pm10: number };
  /** Particles per 0.1 L with diameter above 0.3, 0.5, 1.0, 2.5, 5.0, 10 µm. */
  counts: [number, number, number, number, number, number];
}

export const PMS_HEADER = [0x42, 0x4d] as const;

export function pmsParser(): FrameParser<PmsFrame> {
  return binaryFrameParser<PmsFrame>({
    header: PMS_HEADER,
    frameLength(buf, start, available) {
      if (available < 4) return undefined;
      const declared = (buf[start + 2]! << 8) | buf[start + 3]!;
      return declared < 20 || declared > 60 || declared % 2 !== 0 ? -1 : declared + 4;
    },
    decode(frame) {
      const end = frame.length - 2;
      const expected = (frame[end]! << 8) | frame[end + 1]!;
      const actual = sum(frame, 0, end) & 0xffff;
      if (actual !== expected) {
        return {
          kind: "checksum",
          message: `PMS check code ${hex(expected, 4)}, computed ${hex(actual, 4)}`,
        };
      }
      const word = (i: number) => (frame[4 + 2 * i]! << 8) | frame[5 + 2 * i]!;
      return {
        cf1: { pm1_0: word(0), pm2_5: word(1), pm10: word(2) },
        atm: { pm1_0: word(3), pm2_5: word(4), pm10: word(5) },
        counts: [word(6), word(7), word(8), word(9), word(10), word(11)],
      };
    },
  });
}

/** Builds a valid 32-byte PMS5003 frame (tests, benchmarks, and the sensor's passive-mode commands). */
export function encodePmsFrame(words: readonly number[]): Uint8Array {
  const frame = new Uint8Array(32);
  frame.set([0x42, 0x4d, 0x00, 28]);
  for (let i = 0; i < 13; i++) {
    const w = words[i] ?? 0;
    frame[4 + 2 * i] = (w >> 8) & 0xff;
    frame[5 + 2 * i] = w & 0xff;
  }
  const check = sum(frame, 0, 30);
  frame[30] = (check >> 8) & 0xff;
  frame[31] = check & 0xff;
  return frame;
}
