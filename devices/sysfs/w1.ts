/* References: Linux drivers/w1/slaves/w1_therm.c (w1_slave: "<9 bytes> : crc=<xx> YES|NO" then
 * "<9 bytes> t=<m°C>"); Maxim DS18B20 datasheet (power-on reset value +85 °C, CRC-8 x⁸+x⁵+x⁴+1 over the
 * scratchpad). A w1_slave read blocks ~750 ms on the libuv pool (docs/design.md §4), so reads on one bus run
 * one at a time. */
import { DeviceError } from "../errors";
import type { Sample, SensorDriver } from "../types";
import { listDir, readAttribute } from "./files";

export function dallasCrc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    let b = byte;
    for (let i = 0; i < 8; i++) {
      const mix = (crc ^ b) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      b >>= 1;
    }
  }
  return crc;
}

export type W1Result = { ok: true; sample: Sample<number> } | { ok: false; error: DeviceError };

const bad = (message: string): W1Result => ({ ok: false, error: new DeviceError("bad-data", message) });

/** Parses w1_slave text. Pure, for fixtures and fuzzing. */
export function parseW1Slave(text: string, t: number): W1Result {
  const lines = text.trim().split("\n");
  const crcLine = /^((?:[0-9a-f]{2} ){9}): crc=([0-9a-f]{2}) (YES|NO)$/i.exec(lines[0]?.trim() ?? "");
  const tempLine = /^(?:[0-9a-f]{2} ){9}t=(-?\d+)$/i.exec(lines[1]?.trim() ?? "");
  if (!crcLine || !tempLine) return bad(`malformed w1_slave: "${text.slice(0, 60)}"`);
  if (crcLine[3]!.toUpperCase() !== "YES") return bad("CRC check failed (kernel reported NO)");
  const bytes = crcLine[1]!
    .trim()
    .split(" ")
    .map((h) => Number.parseInt(h, 16));
  if (bytes.every((b) => b === 0)) return bad("all-zero scratchpad: sensor missing or bus shorted");
  if (dallasCrc8(bytes.slice(0, 8)) !== bytes[8]) return bad("CRC-8 mismatch in scratchpad");
  const milli = Number(tempLine[1]);
  // 85 °C is the power-on reset value: a conversion that did not run (power glitch, parasite power).
  if (milli === 85_000) return { ok: true, sample: { value: 85, quality: "invalid", t } };
  if (milli < -55_000 || milli > 125_000)
    return { ok: true, sample: { value: milli / 1000, quality: "invalid", t } };
  return { ok: true, sample: { value: milli / 1000, t } };
}

const busQueues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task for the same bus key has settled. */
export function serialise<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = busQueues.get(key) ?? Promise.resolve();
  const next = previous.then(task, task);
  // The caller gets `next` with its outcome; the queue only needs to know when it settled.
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  busQueues.set(key, settled);
  void settled.then(() => {
    if (busQueues.get(key) === settled) busQueues.delete(key);
  });
  return next;
}

export interface Ds18b20Options {
  /** 1-Wire id such as "28-0316a27959ff"; omitted = the only DS18B20 on the bus. */
  id?: string;
}

export function ds18b20(options: Ds18b20Options, root: string, now: () => number): SensorDriver {
  const dir = "sys/bus/w1/devices";
  let id = options.id;
  const resolveId = async () => {
    if (id) return id;
    const found = (await listDir(root, dir)).filter((e) => e.startsWith("28-"));
    if (found.length !== 1) {
      throw new DeviceError(
        "missing-hardware",
        `expected exactly one DS18B20 (28-*), found: ${found.join(", ") || "none"}`,
      );
    }
    id = found[0]!;
    return id;
  };
  return {
    acquisition: "poll",
    read: () =>
      serialise(`w1:${root}`, async () => {
        const sensorId = await resolveId();
        const result = parseW1Slave(await readAttribute(root, dir, sensorId, "w1_slave"), now());
        if (!result.ok) throw new DeviceError("bad-data", `${sensorId}: ${result.error.message}`);
        return { temperature: result.sample };
      }),
    close: async () => undefined,
  };
}
