/* References: Winsen MH-Z19B intelligent infrared CO2 module user's manual v1.0, "Communication
 * protocol". 9-byte commands and responses at 9600 8N1; checksum = (0xFF − (byte1 + … + byte7)) + 1.
 * Read-concentration response: 0xFF 0x86 high low …; byte 4 − 40 is a rough module temperature
 * (undocumented, widely observed), published with quality `estimate`. */
import { binaryFrameParser, type FrameParser, hex, sum } from "./frame";

export type Mhz19Frame =
  | { type: "co2"; co2: number; temperature: number }
  | { type: "reply"; command: number; data: number[] };

export function mhz19Checksum(packet: Uint8Array): number {
  return (0xff - (sum(packet, 1, 8) & 0xff) + 1) & 0xff;
}

/** Command packet: 0xFF 0x01 command b3..b7 checksum. */
export function mhz19Command(command: number, data: readonly number[] = []): Uint8Array {
  const packet = new Uint8Array(9);
  packet[0] = 0xff;
  packet[1] = 0x01;
  packet[2] = command;
  packet.set(data.slice(0, 5), 3);
  packet[8] = mhz19Checksum(packet);
  return packet;
}

export const MHZ19_READ_CO2 = 0x86;

export function mhz19Parser(): FrameParser<Mhz19Frame> {
  return binaryFrameParser<Mhz19Frame>({
    header: [0xff],
    // A response's second byte is the command it answers; 0x01 would be a command echoed back.
    frameLength: (buf, start, available) => (available < 2 ? undefined : buf[start + 1] === 0x01 ? -1 : 9),
    decode(frame) {
      const expected = frame[8]!;
      const actual = mhz19Checksum(frame);
      if (actual !== expected) {
        return { kind: "checksum", message: `MH-Z19 checksum ${hex(expected)}, computed ${hex(actual)}` };
      }
      if (frame[1] === MHZ19_READ_CO2) {
        return { type: "co2", co2: (frame[2]! << 8) | frame[3]!, temperature: frame[4]! - 40 };
      }
      return { type: "reply", command: frame[1]!, data: [...frame.subarray(2, 8)] };
    },
  });
}

export function encodeMhz19Response(co2: number, temperature = 25): Uint8Array {
  const packet = Uint8Array.of(0xff, MHZ19_READ_CO2, co2 >> 8, co2 & 0xff, temperature + 40, 0, 0, 0, 0);
  packet[8] = mhz19Checksum(packet);
  return packet;
}
