import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FrameParser } from "../../../../devices/serial/parsers/frame";
import { lineParser } from "../../../../devices/serial/parsers/line";
import { encodeMhz19Response, mhz19Command, mhz19Parser } from "../../../../devices/serial/parsers/mhz19";
import { nmeaParser, nmeaSentence } from "../../../../devices/serial/parsers/nmea";
import { encodePmsFrame, pmsParser } from "../../../../devices/serial/parsers/pms";
import { encodeSds011Frame, sds011Parser } from "../../../../devices/serial/parsers/sds011";

const bytes = (...parts: (Uint8Array | string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "latin1")] : [...p])));

function feed<F>(parser: FrameParser<F>, chunks: Uint8Array[]) {
  const out = { frames: [] as F[], errors: [] as string[], skipped: 0 };
  for (const c of chunks) {
    const r = parser.push(c);
    out.frames.push(...r.frames);
    out.errors.push(...r.errors.map((e) => e.kind));
    out.skipped += r.skipped;
  }
  return out;
}

function splitAt(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    chunks.push(data.subarray(prev, p));
    prev = p;
  }
  return chunks;
}

const corrupt = (frame: Uint8Array, index: number) => {
  const copy = Uint8Array.from(frame);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
};

const pms = encodePmsFrame([5, 12, 20, 4, 11, 19, 900, 300, 50, 6, 2, 1, 0]);
const pmsFrame = {
  cf1: { pm1_0: 5, pm2_5: 12, pm10: 20 },
  atm: { pm1_0: 4, pm2_5: 11, pm10: 19 },
  counts: [900, 300, 50, 6, 2, 1],
};

describe("PMS5003 parser", () => {
  it("decodes a frame, counts a corrupt one and resynchronises on the next header", () => {
    const out = feed(pmsParser(), [bytes([0x00, 0x42, 0x13], pms, corrupt(pms, 10), [0x42], pms)]);
    expect(out.frames).toEqual([pmsFrame, pmsFrame]);
    expect(out.errors).toEqual(["checksum"]);
    expect(out.skipped).toBeGreaterThan(0);
  });

  it("rejects impossible lengths and keeps going", () => {
    const bad = Uint8Array.from(pms);
    bad[3] = 0xff;
    expect(feed(pmsParser(), [bytes(bad, pms)])).toMatchObject({ frames: [pmsFrame], errors: ["length"] });
  });

  it("gives the same frames however the stream is split", () => {
    const stream = bytes(pms, [1, 2, 3], pms, corrupt(pms, 31), pms);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const out = feed(pmsParser(), splitAt(stream, cuts));
        expect(out.frames).toHaveLength(3);
        expect(out.errors).toEqual(["checksum"]);
      }),
    );
  });
});

describe("SDS011 parser", () => {
  const frame = encodeSds011Frame(12.3, 45.6);
  it("decodes data frames and validates checksum and tail", () => {
    const badTail = Uint8Array.from(frame);
    badTail[9] = 0x00;
    const out = feed(sds011Parser(), [bytes(frame, corrupt(frame, 3), badTail, [0xaa, 0x01], frame)]);
    expect(out.frames).toEqual([
      { type: "data", pm2_5: 12.3, pm10: 45.6, deviceId: 0x1234 },
      { type: "data", pm2_5: 12.3, pm10: 45.6, deviceId: 0x1234 },
    ]);
    expect(out.errors).toEqual(["checksum", "syntax", "length"]);
  });

  it("reassembles byte-at-a-time input", () => {
    const out = feed(
      sds011Parser(),
      [...frame].map((b) => Uint8Array.of(b)),
    );
    expect(out.frames).toMatchObject([{ pm2_5: 12.3 }]);
  });
});

describe("MH-Z19B parser", () => {
  it("builds the read command of the datasheet", () => {
    expect([...mhz19Command(0x86)]).toEqual([0xff, 0x01, 0x86, 0, 0, 0, 0, 0, 0x79]);
  });

  it("decodes a response, rejects a bad checksum and ignores an echoed command", () => {
    const response = encodeMhz19Response(1234, 27);
    const out = feed(mhz19Parser(), [bytes(mhz19Command(0x86), corrupt(response, 3), response)]);
    expect(out.frames).toEqual([{ type: "co2", co2: 1234, temperature: 27 }]);
    expect(out.errors).toContain("checksum");
  });
});

describe("NMEA parser", () => {
  const gga = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n";
  const rmc = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\n";

  it("decodes the textbook GGA and RMC sentences", () => {
    const out = feed(nmeaParser(), [bytes(gga, rmc)]);
    expect(out.errors).toEqual([]);
    expect(out.frames[0]).toMatchObject({
      type: "GGA",
      talker: "GP",
      fixQuality: 1,
      satellites: 8,
      hdop: 0.9,
    });
    expect(out.frames[0]).toMatchObject({ altitude: 545.4 });
    const first = out.frames[0] as { latitude: number; longitude: number };
    expect(first.latitude).toBeCloseTo(48 + 7.038 / 60, 9);
    expect(first.longitude).toBeCloseTo(11 + 31 / 60, 9);
    expect(out.frames[1]).toMatchObject({ type: "RMC", valid: true, speedKnots: 22.4, course: 84.4 });
    expect((out.frames[1] as { timestamp: number }).timestamp).toBe(Date.UTC(1994, 2, 23, 12, 35, 19));
  });

  it("reports no-fix, southern/western coordinates and empty fields", () => {
    const out = feed(nmeaParser(), [
      bytes(
        nmeaSentence("GNGGA,000000,,,,,0,00,,,M,,M,,"),
        nmeaSentence("GPRMC,010203.50,V,3351.000,S,15112.000,W,,,010125,,"),
      ),
    ]);
    expect(out.frames[0]).toMatchObject({ fixQuality: 0, latitude: null, longitude: null, hdop: null });
    expect(out.frames[1]).toMatchObject({
      valid: false,
      latitude: -(33 + 51 / 60),
      longitude: -(151 + 12 / 60),
    });
  });

  it("counts checksum and syntax errors, passes other sentences through, survives overlong lines", () => {
    const out = feed(nmeaParser(), [
      bytes(
        gga.replace("*47", "*48"),
        "$GPGSV,1,1,00*79\r\n",
        "garbage without star\n",
        "x".repeat(300),
        "\n",
        gga,
      ),
    ]);
    expect(out.errors).toEqual(["checksum", "syntax", "overflow"]);
    expect(out.frames.map((f) => f.type)).toEqual(["other", "GGA"]);
  });
});

describe("line parser", () => {
  it("parses key=value and JSON lines with either line ending", () => {
    const out = feed(lineParser(), [
      bytes("temperature=21.5 humidity=40,door=true;label=hall\r\n", '{"temperature":19}\n'),
    ]);
    expect(out.frames).toEqual([
      { temperature: 21.5, humidity: 40, door: true, label: "hall" },
      { temperature: 19 },
    ]);
  });

  it("checks an optional *hh checksum and can require it", () => {
    const body = "t=1";
    const good = `${body}*${(0x74 ^ 0x3d ^ 0x31).toString(16).padStart(2, "0")}\n`;
    expect(feed(lineParser(), [bytes(good, "t=1*00\n")])).toMatchObject({
      frames: [{ t: 1 }],
      errors: ["checksum"],
    });
    expect(feed(lineParser({ requireChecksum: true }), [bytes("t=1\n", good)])).toMatchObject({
      frames: [{ t: 1 }],
      errors: ["syntax"],
    });
  });

  it("counts malformed lines and resumes on the next one, across splits", () => {
    const stream = bytes("novalue\n", "{bad json\n", "[1]\n", "a=1\n", "=x\n", "b=2\n");
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
        const out = feed(lineParser(), splitAt(stream, cuts));
        expect(out.frames).toEqual([{ a: 1 }, { b: 2 }]);
        expect(out.errors).toEqual(["syntax", "syntax", "syntax", "syntax"]);
      }),
    );
  });

  it("decodes multi-byte UTF-8 split across chunks", () => {
    const data = Buffer.from("unit=°C\n");
    expect(feed(lineParser(), [data.subarray(0, 6), data.subarray(6)]).frames).toEqual([{ unit: "°C" }]);
  });
});
