/* References: Linux Documentation/hwmon/sysfs-interface.rst (hwmonN/name; tempN_input m°C, inN_input
 * mV, fanN_input RPM, humidityN_input m%RH, powerN_input µW, currN_input mA, pressureN_input Pa since 6.x). */
import { DeviceError } from "../errors";
import { sensor } from "../lib/channels";
import type { SensorChannel, SensorDriver } from "../types";
import { findByAttribute, readInteger } from "./files";

interface HwmonKind {
  kind: string;
  unit: string;
  factor: number;
}

const KINDS: Record<string, HwmonKind> = {
  temp: { kind: "temperature", unit: "°C", factor: 1e-3 },
  in: { kind: "voltage", unit: "V", factor: 1e-3 },
  fan: { kind: "fan_speed", unit: "rpm", factor: 1 },
  humidity: { kind: "humidity", unit: "%", factor: 1e-3 },
  power: { kind: "power", unit: "W", factor: 1e-6 },
  curr: { kind: "current", unit: "A", factor: 1e-3 },
};

export const HWMON_INPUT = /^(temp|in|fan|humidity|power|curr)(\d+)$/;

export interface HwmonOptions {
  /** Content of hwmonN/name, e.g. "cpu_thermal", "rpi_volt", "sht3x". */
  name: string;
  /** Input without "_input", e.g. "temp1", "in0". */
  input: string;
  /** Channel name; defaults to the kind (temperature, voltage…). */
  channel?: string;
}

export function hwmonKind(input: string): HwmonKind {
  const m = HWMON_INPUT.exec(input);
  const kind = m && KINDS[m[1]!];
  if (!kind) throw new DeviceError("bad-options", `unsupported hwmon input "${input}"`);
  return kind;
}

export function hwmonChannel(options: HwmonOptions): SensorChannel {
  const k = hwmonKind(options.input);
  return sensor(options.channel ?? k.kind, k.kind, k.unit);
}

export function hwmonSensor(options: HwmonOptions, root: string, now: () => number): SensorDriver {
  const dir = "sys/class/hwmon";
  const { factor } = hwmonKind(options.input);
  const channel = hwmonChannel(options).name;
  let entry: string | undefined;
  return {
    acquisition: "poll",
    async read() {
      entry ??= await findByAttribute(root, dir, "hwmon", "name", options.name);
      const raw = await readInteger(root, dir, entry, `${options.input}_input`);
      return { [channel]: { value: Math.round(raw * factor * 1e6) / 1e6, t: now() } };
    },
    close: async () => undefined,
  };
}
