/* References: Linux Documentation/ABI/testing/sysfs-bus-iio (in_<type>[N]_input already scaled;
 * otherwise value = (in_<type>_raw + in_<type>_offset) × in_<type>_scale; units: temp m°C,
 * humidityrelative m%, pressure kPa, voltage mV, illuminance lux). */
import { DeviceError } from "../errors";
import { sensor } from "../lib/channels";
import type { SensorChannel, SensorDriver } from "../types";
import { exists, findByAttribute, readNumber } from "./files";

interface IioKind {
  kind: string;
  unit: string;
  /** Multiplier from IIO ABI units to the published unit. */
  factor: number;
  channel: string;
}

const KINDS: Record<string, IioKind> = {
  temp: { kind: "temperature", unit: "°C", factor: 1e-3, channel: "temperature" },
  humidityrelative: { kind: "humidity", unit: "%", factor: 1e-3, channel: "humidity" },
  pressure: { kind: "pressure", unit: "hPa", factor: 10, channel: "pressure" },
  voltage: { kind: "voltage", unit: "V", factor: 1e-3, channel: "voltage" },
  illuminance: { kind: "illuminance", unit: "lx", factor: 1, channel: "illuminance" },
};

export const IIO_ATTRIBUTE = /^in_(temp|humidityrelative|pressure|voltage|illuminance)(\d*)$/;

export interface IioChannelOptions {
  /** Attribute stem, e.g. "in_temp", "in_humidityrelative", "in_voltage0". */
  attribute: string;
  channel?: string;
}

export interface IioOptions {
  /** Content of iio:deviceN/name ("bme280", "dht11", "ads1015"…), or the directory ("iio:device0"). */
  device: string;
  channels: IioChannelOptions[];
}

export function iioKind(attribute: string): IioKind {
  const m = IIO_ATTRIBUTE.exec(attribute);
  const kind = m && KINDS[m[1]!];
  if (!kind) throw new DeviceError("bad-options", `unsupported IIO attribute "${attribute}"`);
  return kind;
}

export function iioChannels(options: IioOptions): SensorChannel[] {
  return options.channels.map((c) => {
    const k = iioKind(c.attribute);
    return sensor(c.channel ?? k.channel, k.kind, k.unit);
  });
}

async function readValue(root: string, dir: string, attribute: string): Promise<number> {
  if (await exists(root, dir, `${attribute}_input`)) return readNumber(root, dir, `${attribute}_input`);
  const raw = await readNumber(root, dir, `${attribute}_raw`);
  // Shared scale/offset (in_voltage_scale) apply when a numbered channel has none of its own.
  const shared = attribute.replace(/\d+$/, "");
  const optional = async (suffix: string, fallback: number) => {
    for (const stem of [attribute, shared]) {
      if (await exists(root, dir, `${stem}_${suffix}`)) return readNumber(root, dir, `${stem}_${suffix}`);
    }
    return fallback;
  };
  return (raw + (await optional("offset", 0))) * (await optional("scale", 1));
}

export function iioSensor(options: IioOptions, root: string, now: () => number): SensorDriver {
  const base = "sys/bus/iio/devices";
  const channels = iioChannels(options);
  let dir: string | undefined = options.device.startsWith("iio:device") ? options.device : undefined;
  return {
    acquisition: "poll",
    async read() {
      dir ??= await findByAttribute(root, base, "iio:device", "name", options.device);
      const t = now();
      const out: Record<string, { value: number; t: number }> = {};
      for (const [i, c] of options.channels.entries()) {
        const value = await readValue(root, `${base}/${dir}`, c.attribute);
        out[channels[i]!.name] = { value: Math.round(value * iioKind(c.attribute).factor * 1e6) / 1e6, t };
      }
      return out;
    },
    close: async () => undefined,
  };
}
