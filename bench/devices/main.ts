/* Frame-parser throughput: frames/s for each serial protocol parser, fed in 64-byte chunks (what a UART
 * read typically delivers), with all-valid streams and with 10 % corrupt frames. Usage:
 * `npm run bench:devices` (optionally `-- --seconds 2`). */
import type { FrameParser } from "../../devices/serial/parsers/frame";
import { lineParser } from "../../devices/serial/parsers/line";
import { xorChecksum } from "../../devices/serial/parsers/lines";
import { encodeMhz19Response, mhz19Parser } from "../../devices/serial/parsers/mhz19";
import { nmeaParser, nmeaSentence } from "../../devices/serial/parsers/nmea";
import { encodePmsFrame, pmsParser } from "../../devices/serial/parsers/pms";
import { encodeSds011Frame, sds011Parser } from "../../devices/serial/parsers/sds011";

interface Case {
  name: string;
  parser: () => FrameParser<unknown>;
  frame: (i: number) => Uint8Array;
}

const text = (s: string) => new TextEncoder().encode(s);
const cases: Case[] = [
  {
    name: "PMS5003 (32 B)",
    parser: pmsParser,
    frame: (i) => encodePmsFrame([i % 50, i % 60, i % 70, 1, 2, 3, 900]),
  },
  {
    name: "SDS011 (10 B)",
    parser: sds011Parser,
    frame: (i) => encodeSds011Frame((i % 500) / 10, (i % 900) / 10),
  },
  { name: "MH-Z19B (9 B)", parser: mhz19Parser, frame: (i) => encodeMhz19Response(400 + (i % 2000)) },
  {
    name: "NMEA GGA+RMC",
    parser: () => nmeaParser(),
    frame: (i) =>
      text(
        i % 2 === 0
          ? nmeaSentence(
              `GPGGA,1235${String(i % 60).padStart(2, "0")},4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,`,
            )
          : nmeaSentence("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W"),
      ),
  },
  {
    name: "line key=value",
    parser: () => lineParser(),
    frame: (i) => text(`temperature=${20 + (i % 10) / 10} humidity=45\n`),
  },
  {
    name: "line key=value *hh",
    parser: () => lineParser({ requireChecksum: true }),
    frame: (i) => {
      const body = `temperature=${20 + (i % 10) / 10} humidity=45`;
      return text(`${body}*${xorChecksum(body).toString(16).padStart(2, "0")}\n`);
    },
  },
  {
    name: "line JSON",
    parser: () => lineParser(),
    frame: (i) => text(`{"temperature":${20 + (i % 10) / 10},"humidity":45}\n`),
  },
];

function stream(c: Case, count: number, corruptEvery: number): Uint8Array[] {
  const frames = Array.from({ length: count }, (_, i) => {
    const f = Uint8Array.from(c.frame(i));
    if (corruptEvery > 0 && i % corruptEvery === 0) {
      const mid = Math.floor(f.length / 2);
      f[mid] = f[mid]! ^ 0x01;
    }
    return f;
  });
  const all = Buffer.concat(frames);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += 64) chunks.push(all.subarray(i, i + 64));
  return chunks;
}

function measure(c: Case, chunks: Uint8Array[], seconds: number) {
  let frames = 0;
  let errors = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < deadline) {
    const parser = c.parser();
    for (const chunk of chunks) {
      const r = parser.push(chunk);
      frames += r.frames.length;
      errors += r.errors.length;
    }
    now = process.hrtime.bigint();
  }
  const elapsed = Number(now - start) / 1e9;
  return { framesPerSecond: frames / elapsed, errorsPerSecond: errors / elapsed };
}

const secondsArg = process.argv.indexOf("--seconds");
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 1;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

console.log(`Node ${process.version}, ${seconds} s per case, 64-byte chunks, 10,000-frame streams\n`);
console.log("| Parser | valid frames/s | with 10 % corrupt: good frames/s | bad frames/s |");
console.log("| --- | ---: | ---: | ---: |");
for (const c of cases) {
  const clean = measure(c, stream(c, 10_000, 0), seconds);
  const dirty = measure(c, stream(c, 10_000, 10), seconds);
  console.log(
    `| ${c.name} | ${fmt(clean.framesPerSecond)} | ${fmt(dirty.framesPerSecond)} | ${fmt(dirty.errorsPerSecond)} |`,
  );
}
