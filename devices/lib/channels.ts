/* References: docs/design.md §2 (channel names, units in meta). Small channel factories shared by every family. */
import type { ActuatorChannel, Range, SensorChannel } from "../types";

type SensorOverrides = Partial<Omit<SensorChannel, "role">>;

export function sensor(name: string, kind: string, unit: string, extra: SensorOverrides = {}): SensorChannel {
  return { role: "sensor", name, kind, unit, valueType: "number", ...extra };
}

export const temperature = (o: SensorOverrides = {}) =>
  sensor("temperature", "temperature", "°C", { range: { min: -55, max: 125 }, ...o });
export const humidity = (o: SensorOverrides = {}) =>
  sensor("humidity", "humidity", "%", { range: { min: 0, max: 100 }, ...o });
export const voltage = (o: SensorOverrides = {}) => sensor("voltage", "voltage", "V", o);
export const co2 = (o: SensorOverrides = {}) =>
  sensor("co2", "co2", "ppm", { range: { min: 0, max: 10_000 }, ...o });
export const pm = (size: "1_0" | "2_5" | "10", o: SensorOverrides = {}) =>
  sensor(`pm${size}`, `pm${size}`, "µg/m³", { range: { min: 0, max: 1000 }, ...o });
/** A two-state input (button, reed contact, PIR); `true` means active after active-low is applied. */
export const contact = (o: SensorOverrides = {}) =>
  sensor("state", "contact", "bool", { valueType: "boolean", ...o });

type ActuatorOverrides = Partial<Omit<ActuatorChannel, "role">>;

/** On/off output. The safe state is off unless a definition says otherwise. */
export function relay(o: ActuatorOverrides = {}): ActuatorChannel {
  return { role: "actuator", name: "relay", kind: "switch", valueType: "boolean", safeState: false, ...o };
}

export const led = (o: ActuatorOverrides = {}) => relay({ name: "led", kind: "light", ...o });

export function level(name: string, range: Range, o: ActuatorOverrides = {}): ActuatorChannel {
  return { role: "actuator", name, kind: "level", valueType: "number", safeState: range.min, range, ...o };
}
