/* EXI4JSON codec benchmark: sizes and throughput next to JSON.stringify/JSON.parse of the same
 * documents, measured in the same run. Run with `npm run bench:exi`. */
import { toBase64 } from "../../shared/exi/base64";
import { decode, encode, type JsonObject } from "../../shared/exi/index";
import { columnarDocument, rowDocument } from "./documents";

const SAMPLE_MS = Number(process.env.XIOT_BENCH_MS ?? 400);

/** Operations per second of `fn`, after a warm-up, best of three samples. */
function opsPerSecond(fn: () => unknown): number {
  for (let i = 0; i < 2000; i++) fn();
  let best = 0;
  for (let s = 0; s < 3; s++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < SAMPLE_MS) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
      t = performance.now();
    }
    best = Math.max(best, (n * 1000) / (t - t0));
  }
  return best;
}

interface Row {
  case: string;
  json: number;
  exi: number;
  b64: number;
  "enc/s": number;
  "dec/s": number;
  "stringify/s": number;
  "parse/s": number;
  "exi÷json time": number;
}

function measure(name: string, doc: JsonObject): Row {
  const text = JSON.stringify(doc);
  const bytes = encode(doc);
  if (JSON.stringify(decode(bytes)) !== text) throw new Error(`${name}: round trip differs`);
  const enc = opsPerSecond(() => encode(doc));
  const dec = opsPerSecond(() => decode(bytes));
  const str = opsPerSecond(() => JSON.stringify(doc));
  const par = opsPerSecond(() => JSON.parse(text));
  const ratio = (1 / enc + 1 / dec) / (1 / str + 1 / par);
  return {
    case: name,
    json: new TextEncoder().encode(text).length,
    exi: bytes.length,
    b64: toBase64(bytes).length,
    "enc/s": Math.round(enc),
    "dec/s": Math.round(dec),
    "stringify/s": Math.round(str),
    "parse/s": Math.round(par),
    "exi÷json time": Math.round(ratio * 100) / 100,
  };
}

const cases: [string, JsonObject][] = [
  ["1 reading (row)", rowDocument(1)],
  ["10 readings (row)", rowDocument(10)],
  ["60 readings (row)", rowDocument(60)],
  ["10 readings (columnar)", columnarDocument(10)],
  ["60 readings (columnar)", columnarDocument(60)],
];

console.log(`node ${process.version}, ${SAMPLE_MS} ms samples (best of 3)`);
const rows = cases.map(([name, doc]) => measure(name, doc));
console.table(rows);
const batch10 = rows[1]!;
const verdict = batch10["exi÷json time"] <= 5 ? "meets" : "misses";
console.log(
  `10-reading batch: encode+decode costs ${batch10["exi÷json time"]}x JSON.stringify+JSON.parse (${verdict} the 5x target)`,
);
