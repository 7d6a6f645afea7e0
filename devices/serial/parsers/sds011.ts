/* References: Nova Fitness SDS011 laser PM2.5 sensor specification v1.3, "UART communication protocol".
 * Data frame: 0xAA 0xC0 PM2.5-low PM2.5-high PM10-low PM10-high id1 id2 checksum 0xAB, checksum = low
 * byte of the sum of the six data bytes; concentration = value / 10 µg/m³. Command replies (0xC5) are
 * checked the same way and reported as replies. */
import { binaryFrameParser, type FrameParser, hex, sum } from "./frame";

export type Sds011Frame =
  | { type: "data"; pm2_5: number; pm10: number; deviceId: number }
  | { type: "reply"; command: number; data: number[]; deviceId: number };

export function sds011Parser(): FrameParser<Sds011Frame> {
  return binaryFrameParser<Sds011Frame>({
    header: [0xaa],
    frameLength: (buf, start, available) => {
      if (available < 2) return undefined;
      const command = buf[start + 1]!;
      return command === 0xc0 || command === 0xc5 ? 10 : -1;
    },
    decode(frame) {
      if (frame[9] !== 0xab)
        return { kind: "syntax", message: `SDS011 tail ${hex(frame[9]!)}, expected 0xab` };
      const expected = frame[8]!;
      const actual = sum(frame, 2, 8) & 0xff;
      if (actual !== expected) {
        return { kind: "checksum", message: `SDS011 checksum ${hex(expected)}, computed ${hex(actual)}` };
      }
      const deviceId = (frame[6]! << 8) | frame[7]!;
      if (frame[1] === 0xc5)
        return { type: "reply", command: frame[2]!, data: [...frame.subarray(3, 6)], deviceId };
      return {
        type: "data",
        pm2_5: ((frame[3]! << 8) | frame[2]!) / 10,
        pm10: ((frame[5]! << 8) | frame[4]!) / 10,
        deviceId,
      };
    },
  });
}

export function encodeSds011Frame(pm2_5: number, pm10: number, deviceId = 0x1234): Uint8Array {
  const a = Math.round(pm2_5 * 10);
  const b = Math.round(pm10 * 10);
  const frame = Uint8Array.of(
    0xaa,
    0xc0,
    a & 0xff,
    a >> 8,
    b & 0xff,
    b >> 8,
    deviceId >> 8,
    deviceId & 0xff,
    0,
    0xab,
  );
  frame[8] = sum(frame, 2, 8) & 0xff;
  return frame;
}
