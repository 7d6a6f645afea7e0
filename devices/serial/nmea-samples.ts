/* References: NMEA 0183 §6.3 GGA fix quality and RMC status. Maps GPS frames to channels: no position
 * without a fix; an estimated (dead-reckoning) fix is published with quality `estimate`. */
import { sensor } from "../lib/channels";
import type { Quality, Samples, SensorChannel } from "../types";
import type { NmeaFrame } from "./parsers/nmea";

export const nmeaChannels: SensorChannel[] = [
  sensor("latitude", "latitude", "°", { range: { min: -90, max: 90 } }),
  sensor("longitude", "longitude", "°", { range: { min: -180, max: 180 } }),
  sensor("altitude", "altitude", "m"),
  sensor("speed", "speed", "m/s", { range: { min: 0, max: 600 } }),
  sensor("satellites", "count", "count", { range: { min: 0, max: 64 } }),
  sensor("fix_quality", "gps_fix", "code", {
    description: "GGA fix quality: 0 none, 1 GPS, 2 DGPS, 4/5 RTK, 6 estimated",
  }),
];

const KNOT = 1852 / 3600;

export function nmeaSamples(frame: NmeaFrame, t: number): Samples | undefined {
  if (frame.type === "GGA") {
    const out: Samples = { fix_quality: { value: frame.fixQuality, t } };
    if (frame.satellites !== null) out.satellites = { value: frame.satellites, t };
    if (frame.fixQuality === 0 || frame.latitude === null || frame.longitude === null) return out;
    const quality: Quality | undefined = frame.fixQuality === 6 ? "estimate" : undefined;
    const at = (value: number) => (quality ? { value, t, quality } : { value, t });
    out.latitude = at(frame.latitude);
    out.longitude = at(frame.longitude);
    if (frame.altitude !== null) out.altitude = at(frame.altitude);
    return out;
  }
  if (frame.type === "RMC") {
    if (!frame.valid || frame.speedKnots === null) return undefined;
    return { speed: { value: Math.round(frame.speedKnots * KNOT * 1000) / 1000, t } };
  }
  return undefined;
}
