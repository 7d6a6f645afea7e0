/* Serial sensors (serialport 13 through the injected opener): line protocol, Plantower PMS5003/PMSx003,
 * Nova SDS011, Winsen MH-Z19B and NMEA 0183 GPS receivers. */
import { z } from "zod";
import { co2, pm, sensor, temperature } from "./lib/channels";
import { defineDevice } from "./lib/define";
import { serialFrameSensor } from "./lib/serial-push";
import { serialRequestSensor } from "./lib/serial-request";
import { serialOptionsSchema } from "./lib/serial-sensor";
import { nmeaChannels, nmeaSamples } from "./serial/nmea-samples";
import { lineParser } from "./serial/parsers/line";
import { MHZ19_READ_CO2, mhz19Command, mhz19Parser } from "./serial/parsers/mhz19";
import { nmeaParser } from "./serial/parsers/nmea";
import { pmsParser } from "./serial/parsers/pms";
import { sds011Parser } from "./serial/parsers/sds011";
import type { Channel, DeviceDefinition, Samples } from "./types";

const lineChannel = z.object({
  /** Key in the line (`key=value` or JSON). */
  key: z.string().min(1),
  /** Channel name to publish under; defaults to the key. */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/)
    .optional(),
  unit: z.string().min(1),
  kind: z.string().optional(),
  valueType: z.enum(["number", "boolean", "string"]).default("number"),
});

const lineOptions = serialOptionsSchema(9600).extend({
  channels: z.array(lineChannel).min(1),
  requireChecksum: z.boolean().default(false),
  maxLineLength: z.number().int().min(16).max(65_536).default(1024),
});
type LineOptions = z.output<typeof lineOptions>;

function lineChannels(o: LineOptions): Channel[] {
  return o.channels.map((c) => {
    const name = c.name ?? c.key;
    return sensor(name, c.kind ?? name, c.unit, { valueType: c.valueType });
  });
}

function lineSamples(o: LineOptions, frame: Record<string, number | boolean | string>, t: number) {
  const out: Samples = {};
  for (const c of o.channels) {
    const value = frame[c.key];
    if (value === undefined) continue;
    const name = c.name ?? c.key;
    out[name] = typeof value === c.valueType ? { value, t } : { value, t, quality: "invalid" };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const pmChannels = [pm("1_0"), pm("2_5"), pm("10")];
const UART_WIRING = "sensor TX → Pi RXD (GPIO15, pin 10), sensor RX → Pi TXD (GPIO14, pin 8), GND, 5 V";

export const definitions: DeviceDefinition[] = [
  defineDevice({
    model: "serial-line",
    description: "Line protocol: key=value pairs or a JSON object per line (microcontrollers, scripts)",
    bus: "serial",
    acquisition: "push",
    channels: [temperature({ range: undefined })],
    channelsFor: lineChannels,
    options: lineOptions,
    example: { path: "/dev/ttyACM0", baudRate: 115_200, channels: [{ key: "temperature", unit: "°C" }] },
    wiring: "USB CDC (/dev/ttyACM0) or a 3.3 V UART; 8N1",
    create: (o, ctx) =>
      serialFrameSensor(
        {
          parser: lineParser({ requireChecksum: o.requireChecksum, maxLength: o.maxLineLength }),
          toSamples: (f, t) => lineSamples(o, f, t),
        },
        o,
        ctx,
      ),
  }),
  defineDevice({
    model: "pms5003",
    description: "Plantower PMS5003/PMSx003 particulate matter sensor (active mode, 32-byte frames)",
    bus: "serial",
    acquisition: "push",
    channels: pmChannels,
    options: serialOptionsSchema(9600),
    example: { path: "/dev/serial0" },
    wiring: `${UART_WIRING}; the PMS5003 logic is 3.3 V, the fan needs 5 V`,
    create: (o, ctx) =>
      serialFrameSensor(
        {
          parser: pmsParser(),
          toSamples: (f, t) => ({
            pm1_0: { value: f.atm.pm1_0, t },
            pm2_5: { value: f.atm.pm2_5, t },
            pm10: { value: f.atm.pm10, t },
          }),
        },
        o,
        ctx,
      ),
  }),
  defineDevice({
    model: "sds011",
    description: "Nova Fitness SDS011 PM2.5/PM10 sensor (10-byte frames, one per second)",
    bus: "serial",
    acquisition: "push",
    channels: [pm("2_5", { range: { min: 0, max: 999.9 } }), pm("10", { range: { min: 0, max: 999.9 } })],
    options: serialOptionsSchema(9600),
    example: { path: "/dev/ttyUSB0" },
    wiring: "USB adapter supplied with the sensor (/dev/ttyUSB0), or UART at 3.3 V logic with 5 V supply",
    create: (o, ctx) =>
      serialFrameSensor(
        {
          parser: sds011Parser(),
          toSamples: (f, t) =>
            f.type === "data" ? { pm2_5: { value: f.pm2_5, t }, pm10: { value: f.pm10, t } } : undefined,
        },
        o,
        ctx,
      ),
  }),
  defineDevice({
    model: "mhz19b",
    description: "Winsen MH-Z19B NDIR CO₂ sensor (9-byte command/response, polled)",
    bus: "serial",
    acquisition: "poll",
    channels: [
      co2({ range: { min: 0, max: 5000 } }),
      temperature({ description: "module temperature, rough" }),
    ],
    options: serialOptionsSchema(9600).extend({ timeoutMs: z.number().int().positive().default(1000) }),
    example: { path: "/dev/serial0", timeoutMs: 500 },
    wiring: `${UART_WIRING}; Vin 5 V (4.5–5.5 V), UART logic 3.3 V`,
    create: (o, ctx) =>
      serialRequestSensor(
        {
          parser: mhz19Parser(),
          request: mhz19Command(MHZ19_READ_CO2),
          timeoutMs: o.timeoutMs,
          toSamples: (f, t) =>
            f.type === "co2"
              ? { co2: { value: f.co2, t }, temperature: { value: f.temperature, t, quality: "estimate" } }
              : undefined,
        },
        o,
        ctx,
      ),
  }),
  defineDevice({
    model: "nmea-gps",
    description: "NMEA 0183 GPS/GNSS receiver (GGA and RMC sentences)",
    bus: "serial",
    acquisition: "push",
    channels: nmeaChannels,
    options: serialOptionsSchema(9600),
    example: { path: "/dev/ttyACM0", baudRate: 9600 },
    wiring: "USB receivers (u-blox: /dev/ttyACM0) or UART modules as above at 3.3 V logic",
    create: (o, ctx) => serialFrameSensor({ parser: nmeaParser(), toSamples: nmeaSamples }, o, ctx),
  }),
];
