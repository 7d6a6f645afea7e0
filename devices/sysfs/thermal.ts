/* References: Linux Documentation/driver-api/thermal/sysfs-api.rst (thermal_zoneN/type, temp in
 * millidegrees Celsius). */
import type { SensorDriver } from "../types";
import { findByAttribute, readInteger } from "./files";

export interface ThermalOptions {
  /** Zone type such as "cpu-thermal" (Raspberry Pi) or "x86_pkg_temp"; takes precedence over `zone`. */
  type?: string;
  zone: number;
}

export function thermalZone(options: ThermalOptions, root: string, now: () => number): SensorDriver {
  const dir = "sys/class/thermal";
  let zone: string | undefined = options.type ? undefined : `thermal_zone${options.zone}`;
  return {
    acquisition: "poll",
    async read() {
      zone ??= await findByAttribute(root, dir, "thermal_zone", "type", options.type!);
      const milli = await readInteger(root, dir, zone, "temp");
      return { temperature: { value: milli / 1000, t: now() } };
    },
    close: async () => undefined,
  };
}
