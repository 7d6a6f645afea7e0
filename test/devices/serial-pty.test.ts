/* Serial drivers over a real pty pair with the real serialport bindings (docs/design.md §4): valid, corrupt and
 * split frames, resync, request/response, and unplug/replug by killing and restarting the pty helper. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDriver, findDefinition } from "../../devices/index";
import { encodeMhz19Response } from "../../devices/serial/parsers/mhz19";
import { nmeaSentence } from "../../devices/serial/parsers/nmea";
import { encodePmsFrame } from "../../devices/serial/parsers/pms";
import { encodeSds011Frame } from "../../devices/serial/parsers/sds011";
import { serialportOpener } from "../../devices/serial/serialport-opener";
import type { SerialLink } from "../../devices/serial/types";
import type { Driver, PushSensorDriver, SensorDriver } from "../../devices/types";
import { silentLogger } from "../../shared/log";
import { realClock } from "../helpers/devices/clock";
import { ptyPair } from "../helpers/devices/pty-pair";
import { nextError, nextSamples, recordingOpener, repeatWrites } from "../helpers/devices/serial";

const pair = ptyPair();
const opener = recordingOpener(serialportOpener());
const context = { clock: realClock(), log: silentLogger(), sysfsRoot: "/", serial: opener };
const reopen = { initialMs: 25, maxMs: 200 };
let device: SerialLink;
const drivers: Driver[] = [];

const openDevice = async () => {
  device = await serialportOpener().open({ path: pair.b, baudRate: 9600 });
};

function create<D extends Driver>(model: string, options: Record<string, unknown>): D {
  const driver = createDriver(findDefinition(model)!, { path: pair.a, reopen, ...options }, context) as D;
  drivers.push(driver);
  return driver;
}

/** Streams `frame` until the driver reports samples: proves the driver's port is open. */
async function untilFirstSamples(driver: PushSensorDriver, frame: Uint8Array) {
  const first = nextSamples(driver);
  const stop = repeatWrites((b) => device.write(b), frame);
  try {
    return await first;
  } finally {
    await stop();
  }
}

beforeAll(async () => {
  await pair.start();
  await openDevice();
});
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});
afterAll(async () => {
  await device.close();
  await pair.dispose();
});

const pms = encodePmsFrame([1, 2, 3, 4, 5, 6]);
const pms2 = encodePmsFrame([0, 0, 0, 7, 8, 9]);

describe(`serial drivers over a pty pair`, () => {
  it("PMS5003: valid, corrupt and split frames, resync on the next header", async () => {
    const driver = create<PushSensorDriver>("pms5003", {});
    expect(await untilFirstSamples(driver, pms)).toMatchObject({ pm1_0: { value: 4 }, pm2_5: { value: 5 } });
    await expect(driver.read()).resolves.toMatchObject({ pm10: { value: 6 } });

    const errors: Error[] = [];
    driver.subscribe(
      () => undefined,
      (e) => errors.push(e),
    );
    const bad = Uint8Array.from(pms);
    bad[12] = bad[12]! ^ 0xff;
    const got = nextSamples(driver, (s) => s.pm10?.value === 9);
    await device.write(Uint8Array.of(0x13, 0x37, ...bad, 0x42));
    await device.write(pms2.subarray(0, 11));
    await opener.received(bad.length + 3 + 11);
    await device.write(pms2.subarray(11));
    expect(await got).toMatchObject({ pm1_0: { value: 7 }, pm2_5: { value: 8 }, pm10: { value: 9 } });
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining("checksum")]);
    expect(driver.stats?.()).toMatchObject({ badFrames: 1, reopens: 0 });
  });

  it("line protocol: key=value and JSON lines with \\r\\n and \\n", async () => {
    const driver = create<PushSensorDriver>("serial-line", {
      channels: [
        { key: "t", name: "temperature", unit: "°C" },
        { key: "door", unit: "bool", valueType: "boolean" },
      ],
    });
    await untilFirstSamples(driver, Buffer.from("t=20\r\n"));
    const got = nextSamples(driver, (s) => s.door !== undefined);
    await device.write(Buffer.from('garbage\n{"t":21.5,"door":true}\n'));
    expect(await got).toMatchObject({ temperature: { value: 21.5 }, door: { value: true } });
    expect(driver.stats?.()).toMatchObject({ badFrames: 1 });
  });

  it("SDS011 and NMEA frames arrive as samples", async () => {
    const sds = create<PushSensorDriver>("sds011", {});
    expect(await untilFirstSamples(sds, encodeSds011Frame(3.4, 10.1))).toMatchObject({
      pm2_5: { value: 3.4 },
      pm10: { value: 10.1 },
    });
    await sds.close();
    const gps = create<PushSensorDriver>("nmea-gps", {});
    const gga = Buffer.from(nmeaSentence("GPGGA,120000,5130.000,N,00007.500,W,1,07,1.1,35.0,M,45.0,M,,"));
    expect(await untilFirstSamples(gps, gga)).toMatchObject({
      latitude: { value: 51.5 },
      longitude: { value: -0.125 },
    });
  });

  it("MH-Z19B: command out, response back (split), timeouts on bad checksums", async () => {
    const driver = create<SensorDriver & { stats(): { badFrames: number } }>("mhz19b", { timeoutMs: 400 });
    let reply = encodeMhz19Response(812, 24);
    device.onData(async (chunk) => {
      if (chunk[0] !== 0xff || chunk[2] !== 0x86) return;
      await device.write(reply.subarray(0, 4));
      await device.write(reply.subarray(4));
    });
    // The first read waits for the port to open (within timeoutMs) before sending the command.
    const first = await driver.read();
    expect(first).toMatchObject({ co2: { value: 812 }, temperature: { value: 24, quality: "estimate" } });
    reply = Uint8Array.from(reply);
    reply[3] = reply[3]! ^ 1;
    await expect(driver.read()).rejects.toMatchObject({ code: "timeout" });
    expect(driver.stats().badFrames).toBe(1);
  });

  it("unplug and replug: reports the disconnect, reopens with backoff on the same path", async () => {
    const driver = create<PushSensorDriver>("pms5003", {});
    await untilFirstSamples(driver, pms);
    const retry = nextError(driver, (e) => /retry in \d+ ms/.test(e.message));
    await device.close();
    await pair.kill();
    expect((await retry).message).toMatch(/retry in/);
    await expect(driver.read()).resolves.toMatchObject({ pm2_5: { value: 5 } });

    await pair.start();
    await openDevice();
    expect(await untilFirstSamples(driver, pms2)).toMatchObject({ pm10: { value: 9 } });
    expect(driver.stats?.()).toMatchObject({ reopens: 1, badFrames: 0 });
  });
});
