/* GPIO devices: relays and LEDs (outputs that never glitch on restart) and two-state inputs with edge
 * events. Hardware comes from `context.gpio(driverName)`. */
import { z } from "zod";
import { DeviceError } from "./errors";
import { gpioInputDevice, gpioOutputDevice } from "./gpio/devices";
import { contact, led, relay } from "./lib/channels";
import { defineDevice } from "./lib/define";
import type { DeviceDefinition, DriverContext } from "./types";

const pin = z.number().int().min(0).max(53).describe("BCM GPIO number");
const driverName = z.string().min(1).default("auto");

const outputOptions = z.object({
  pin,
  driver: driverName,
  /** Most opto-isolated relay boards switch on when the input is pulled low. */
  activeLow: z.boolean().default(false),
  /** "keep" keeps the level of a line that is already an output (agent restart), else the safe state. */
  initial: z.union([z.boolean(), z.literal("keep")]).default("keep"),
  safeState: z.boolean().default(false),
});

const inputOptions = z.object({
  pin,
  driver: driverName,
  edge: z.enum(["rising", "falling", "both"]).default("both"),
  debounceMs: z.number().int().min(0).max(10_000).default(20),
  pull: z.enum(["up", "down", "none"]).default("none"),
  activeLow: z.boolean().default(false),
});

export function requireGpio(context: DriverContext, name: string) {
  if (!context.gpio)
    throw new DeviceError("missing-hardware", "no GPIO driver factory in the driver context");
  return context.gpio(name);
}

export const definitions: DeviceDefinition[] = [
  defineDevice({
    model: "gpio-relay",
    description: "Relay on a GPIO output (active-high or active-low boards)",
    bus: "gpio",
    acquisition: "actuator",
    channels: [relay()],
    options: outputOptions,
    example: { pin: 17, activeLow: true, initial: "keep", safeState: false },
    wiring:
      "relay board IN → GPIO (e.g. GPIO17, pin 11), VCC → 5 V, GND; JD-VCC jumper as the board requires",
    create: (o, ctx) => gpioOutputDevice("relay", o, requireGpio(ctx, o.driver), ctx),
  }),
  defineDevice({
    model: "gpio-led",
    description: "LED on a GPIO output through a series resistor",
    bus: "gpio",
    acquisition: "actuator",
    channels: [led()],
    options: outputOptions,
    example: { pin: 27, initial: false },
    wiring: "GPIO → 330 Ω → LED anode, cathode → GND (active-high)",
    create: (o, ctx) => gpioOutputDevice("led", o, requireGpio(ctx, o.driver), ctx),
  }),
  defineDevice({
    model: "gpio-input",
    description: "Two-state GPIO input (button, reed contact, PIR) with edge events and debounce",
    bus: "gpio",
    acquisition: "push",
    channels: [contact()],
    options: inputOptions,
    example: { pin: 22, edge: "both", debounceMs: 30, pull: "up", activeLow: true },
    wiring:
      "button between GPIO (e.g. GPIO22, pin 15) and GND with pull-up (activeLow: true); PIR OUT → GPIO",
    create: (o, ctx) => gpioInputDevice("state", o, requireGpio(ctx, o.driver), ctx),
  }),
];
