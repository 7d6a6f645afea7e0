/* References: NMEA 0183 v4.11 §5.2.1 (sentence structure, checksum = XOR of characters between "$" and
 * "*"), §6.3 GGA (fix quality 0 invalid … 6 estimated) and RMC (status A valid / V warning). Other
 * sentence types with a good checksum are passed through as "other" so the driver can ignore them. */
import type { FrameError, FrameParser, ParseResult } from "./frame";
import { lineSplitter, xorChecksum } from "./lines";

export interface GgaFrame {
  type: "GGA";
  talker: string;
  /** hhmmss.ss UTC as sent. */
  time: string;
  latitude: number | null;
  longitude: number | null;
  /** 0 no fix, 1 GPS, 2 DGPS, 3 PPS, 4 RTK fixed, 5 RTK float, 6 estimated (dead reckoning), 7 manual, 8 simulator. */
  fixQuality: number;
  satellites: number | null;
  hdop: number | null;
  /** Metres above mean sea level. */
  altitude: number | null;
}

export interface RmcFrame {
  type: "RMC";
  talker: string;
  valid: boolean;
  /** UTC ms since epoch from the date and time fields, null when either is empty. */
  timestamp: number | null;
  latitude: number | null;
  longitude: number | null;
  speedKnots: number | null;
  course: number | null;
}

export type NmeaFrame = GgaFrame | RmcFrame | { type: "other"; talker: string; sentence: string };

const syntax = (message: string): FrameError => ({ kind: "syntax", message });

/** "4807.038","N" → 48.1173; degrees are the digits before the last two of the integer part. */
export function parseCoordinate(value: string, hemisphere: string): number | null | FrameError {
  if (value === "" && hemisphere === "") return null;
  const m = /^(\d{2,3})(\d{2}(?:\.\d+)?)$/.exec(value);
  if (!m || !/^[NSEW]$/.test(hemisphere)) return syntax(`bad coordinate "${value},${hemisphere}"`);
  const degrees = Number(m[1]) + Number(m[2]) / 60;
  return hemisphere === "S" || hemisphere === "W" ? -degrees : degrees;
}

const num = (s: string | undefined): number | null => (s === undefined || s === "" ? null : Number(s));

function rmcTimestamp(time: string, date: string): number | null {
  const t = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(time);
  const d = /^(\d{2})(\d{2})(\d{2})$/.exec(date);
  if (!t || !d) return null;
  // Two-digit years: GPS dates start in 1980, so 80–99 are the 1900s.
  const yy = Number(d[3]);
  const year = yy >= 80 ? 1900 + yy : 2000 + yy;
  const ms = Math.round(Number(t[3]) * 1000);
  return Date.UTC(year, Number(d[2]) - 1, Number(d[1]), Number(t[1]), Number(t[2])) + ms;
}

export function parseNmeaSentence(line: string): NmeaFrame | FrameError {
  const m = /^[$!]([^*$!]*)\*([0-9A-Fa-f]{2})$/.exec(line.trim());
  if (!m) return syntax(`not an NMEA sentence with checksum: "${line.slice(0, 40)}"`);
  const body = m[1]!;
  const expected = Number.parseInt(m[2]!, 16);
  const actual = xorChecksum(body);
  if (actual !== expected)
    return { kind: "checksum", message: `NMEA checksum ${m[2]}, computed ${actual.toString(16)}` };
  const f = body.split(",");
  const address = f[0] ?? "";
  const talker = address.slice(0, 2);
  const sentence = address.slice(2);
  if (sentence === "GGA") {
    const lat = parseCoordinate(f[2] ?? "", f[3] ?? "");
    const lon = parseCoordinate(f[4] ?? "", f[5] ?? "");
    if (lat !== null && typeof lat === "object") return lat;
    if (lon !== null && typeof lon === "object") return lon;
    const fixQuality = Number(f[6] ?? "");
    if (!Number.isInteger(fixQuality) || f[6] === "") return syntax(`GGA fix quality "${f[6]}"`);
    return {
      type: "GGA",
      talker,
      time: f[1] ?? "",
      latitude: lat,
      longitude: lon,
      fixQuality,
      satellites: num(f[7]),
      hdop: num(f[8]),
      altitude: num(f[9]),
    };
  }
  if (sentence === "RMC") {
    const lat = parseCoordinate(f[3] ?? "", f[4] ?? "");
    const lon = parseCoordinate(f[5] ?? "", f[6] ?? "");
    if (lat !== null && typeof lat === "object") return lat;
    if (lon !== null && typeof lon === "object") return lon;
    if (f[2] !== "A" && f[2] !== "V") return syntax(`RMC status "${f[2]}"`);
    return {
      type: "RMC",
      talker,
      valid: f[2] === "A",
      timestamp: rmcTimestamp(f[1] ?? "", f[9] ?? ""),
      latitude: lat,
      longitude: lon,
      speedKnots: num(f[7]),
      course: num(f[8]),
    };
  }
  return { type: "other", talker, sentence };
}

export function nmeaParser(maxLength = 120): FrameParser<NmeaFrame> {
  // NMEA 0183 limits a sentence to 82 characters; u-blox proprietary sentences run longer.
  const lines = lineSplitter(maxLength);
  return {
    reset: () => lines.reset(),
    push(chunk) {
      const split = lines.push(chunk);
      const result: ParseResult<NmeaFrame> = { frames: [], errors: [], skipped: split.skipped };
      for (const line of split.entries) {
        if (typeof line !== "string") {
          result.errors.push(line);
          continue;
        }
        const parsed = parseNmeaSentence(line);
        if ("kind" in parsed) result.errors.push(parsed);
        else result.frames.push(parsed);
      }
      return result;
    },
  };
}

export function nmeaSentence(body: string): string {
  return `$${body}*${xorChecksum(body).toString(16).toUpperCase().padStart(2, "0")}\r\n`;
}
