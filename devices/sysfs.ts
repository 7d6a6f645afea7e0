/* Linux sysfs sensors, no extra packages: thermal zones, hwmon, 1-Wire DS18B20 and IIO. Each reads
 * under `context.sysfsRoot` so tests run against fixture trees. */
import { z } from "zod";
import { sensor, temperature } from "./lib/channels";
import { defineDevice } from "./lib/define";
import { HWMON_INPUT, hwmonChannel, hwmonSensor } from "./sysfs/hwmon";
import { IIO_ATTRIBUTE, iioChannels, iioSensor } from "./sysfs/iio";
import { thermalZone } from "./sysfs/thermal";
import { ds18b20 } from "./sysfs/w1";
import type { DeviceDefinition } from "./types";

const channelName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, "channel names match [a-z][a-z0-9_]{0,31}");

const hwmonOptions = z.object({
  name: z.string().min(1),
  input: z.string().regex(HWMON_INPUT, "hwmon input such as temp1, in0, fan1, humidity1, power1, curr1"),
  channel: channelName.optional(),
});

const iioOptions = z.object({
  device: z.string().min(1),
  channels: z
    .array(
      z.object({
        attribute: z.string().regex(IIO_ATTRIBUTE, "IIO attribute stem such as in_temp, in_humidityrelative"),
        channel: channelName.optional(),
      }),
    )
    .min(1)
    .refine((cs) => new Set(cs.map((c) => c.channel ?? c.attribute.replace(/\d+$/, ""))).size === cs.length, {
      message: "two channels would share a name: set `channel` on each",
    }),
});

export const definitions: DeviceDefinition[] = [
  defineDevice({
    model: "cpu-temperature",
    description: "SoC temperature from a Linux thermal zone",
    bus: "sysfs",
    acquisition: "poll",
    channels: [temperature({ range: { min: -40, max: 125 } })],
    options: z.object({
      zone: z.number().int().nonnegative().default(0),
      type: z.string().min(1).optional(),
    }),
    example: { type: "cpu-thermal" },
    wiring: "none (on-chip sensor)",
    create: (o, ctx) => thermalZone(o, ctx.sysfsRoot, () => ctx.clock.now()),
  }),
  defineDevice({
    model: "hwmon",
    description: "Any Linux hwmon input (temperature, voltage, fan, humidity, power, current)",
    bus: "sysfs",
    acquisition: "poll",
    channels: [temperature()],
    channelsFor: (o) => [hwmonChannel(o)],
    options: hwmonOptions,
    example: { name: "cpu_thermal", input: "temp1" },
    wiring: "as for the chip's kernel driver (I²C sensors need their dtoverlay)",
    create: (o, ctx) => hwmonSensor(o, ctx.sysfsRoot, () => ctx.clock.now()),
  }),
  defineDevice({
    model: "ds18b20",
    description: "Maxim DS18B20 1-Wire temperature sensor (w1-gpio + w1-therm)",
    bus: "w1",
    acquisition: "poll",
    channels: [temperature({ range: { min: -55, max: 125 } })],
    options: z.object({
      id: z
        .string()
        .regex(/^28-[0-9a-f]{12}$/, "1-Wire id such as 28-0316a27959ff")
        .optional(),
    }),
    example: { id: "28-0316a27959ff" },
    wiring: "DQ → GPIO4 (pin 7) with 4.7 kΩ to 3.3 V, VDD → 3.3 V, GND; `dtoverlay=w1-gpio` in config.txt",
    create: (o, ctx) => ds18b20(o, ctx.sysfsRoot, () => ctx.clock.now()),
  }),
  defineDevice({
    model: "iio",
    description:
      "Linux IIO sensor (BME280, DHT11/22, SHT3x, ADS1015…): *_input, or *_raw with _scale/_offset",
    bus: "iio",
    acquisition: "poll",
    channels: [temperature(), sensor("humidity", "humidity", "%")],
    channelsFor: iioChannels,
    options: iioOptions,
    example: { device: "bme280", channels: [{ attribute: "in_temp" }, { attribute: "in_humidityrelative" }] },
    wiring:
      "I²C sensors on SDA (GPIO2, pin 3) / SCL (GPIO3, pin 5) with their dtoverlay (e.g. i2c-sensor,bme280)",
    create: (o, ctx) => iioSensor(o, ctx.sysfsRoot, () => ctx.clock.now()),
  }),
];
