import { describe, expect, it } from "vitest";
import { DeviceError } from "../../../../devices/errors";
import { backoffDelay, managedPort, type PortEvent } from "../../../../devices/serial/managed-port";
import { serialportOpener } from "../../../../devices/serial/serialport-opener";
import type { SerialLink, SerialOpener } from "../../../../devices/serial/types";
import { silentLogger } from "../../../../shared/log";
import { manualClock } from "../../../helpers/devices/clock";

/** An opener whose ports fail to open `failures` times, then open; `unplug()` closes the live one. */
function flakyOpener(failures: number) {
  let remaining = failures;
  let live: { close: (info: { disconnected: boolean }) => void } | undefined;
  const opener: SerialOpener = {
    list: async () => ({ ok: true, ports: [] }),
    async open() {
      if (remaining-- > 0) throw new DeviceError("io", "ENOENT");
      let onClose: ((info: { disconnected: boolean }) => void) | undefined;
      const link: SerialLink = {
        onData: () => () => undefined,
        onClose: (l) => {
          onClose = l;
          return () => undefined;
        },
        write: async () => undefined,
        close: async () => undefined,
      };
      live = { close: (info) => onClose?.(info) };
      return link;
    },
  };
  return { opener, unplug: () => live?.close({ disconnected: true }) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("managed serial port", () => {
  it("backs off exponentially up to the cap", () => {
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay({ initialMs: 100, maxMs: 1000 }, a))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it("retries failed opens on the clock, resets the backoff once open, and reopens after an unplug", async () => {
    const clock = manualClock();
    const { opener, unplug } = flakyOpener(3);
    const port = managedPort({
      opener,
      open: { path: "/dev/ttyUSB9", baudRate: 9600 },
      backoff: { initialMs: 100, maxMs: 250 },
      clock,
      log: silentLogger(),
    });
    const events: PortEvent["type"][] = [];
    const delays: number[] = [];
    port.onEvent((e) => {
      events.push(e.type);
      if (e.type === "retry") delays.push(e.delayMs);
    });
    port.start();
    for (let i = 0; i < 4; i++) {
      await flush();
      clock.advance(250);
    }
    await flush();
    expect(delays).toEqual([100, 200, 250]);
    expect(port.isOpen).toBe(true);
    unplug();
    expect(port.isOpen).toBe(false);
    await expect(port.write(Uint8Array.of(1))).rejects.toMatchObject({ code: "io" });
    clock.advance(100);
    await flush();
    expect(port.isOpen).toBe(true);
    expect(events).toEqual(["retry", "retry", "retry", "open", "closed", "retry", "open"]);
    await port.stop();
    expect(port.isOpen).toBe(false);
  });

  it("list() never rejects: failures (no udevadm) become ok: false", async () => {
    const failing = serialportOpener({ list: () => Promise.reject(new Error("spawn udevadm ENOENT")) });
    expect(await failing.list()).toEqual({
      ok: false,
      error: "cannot list serial ports: spawn udevadm ENOENT",
    });
    const result = await serialportOpener().list();
    if (result.ok) expect(Array.isArray(result.ports)).toBe(true);
    else expect(result.error).toMatch(/cannot list serial ports/);
  });
});
