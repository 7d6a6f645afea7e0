// Stub of Debian's gpiod tools (libgpiod v1 or v2 argument forms) for tests. Tool name is argv[2].
// GPIOD_STUB_VERSION = 1 | 2; GPIOD_STUB_DIR holds line levels ("<chip>-<offset>", physical 0/1) and
// log.jsonl (one line per invocation); GPIOD_STUB_EVENTS = "1,0,1" makes gpiomon report those levels.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [tool, ...args] = process.argv.slice(2);
const version = process.env.GPIOD_STUB_VERSION === "1" ? 1 : 2;
const dir = process.env.GPIOD_STUB_DIR ?? "/tmp";
const log = (entry) => appendFileSync(join(dir, "log.jsonl"), `${JSON.stringify({ tool, ...entry })}\n`);
const fail = (message) => {
  process.stderr.write(`${tool}: ${message}\n`);
  log({ args, error: message });
  process.exit(1);
};
const levelFile = (chip, pin) => join(dir, `${chip}-${pin}`);
const readLevel = (chip, pin) => {
  try {
    return readFileSync(levelFile(chip, pin), "utf8").trim() === "1" ? 1 : 0;
  } catch {
    return 0;
  }
};

if (args[0] === "--version") {
  console.log(version === 1 ? `${tool} (libgpiod) v1.6.3` : `${tool} (libgpiod) v2.1.1`);
  process.exit(0);
}
if (tool === "gpiodetect") {
  console.log("gpiochip0 [gpio-brcmstb@107d508500] (32 lines)\ngpiochip4 [pinctrl-rp1] (54 lines)");
  process.exit(0);
}

// Parse the version's argument form strictly: options first, then (v1) the chip, then lines.
const opts = new Map();
const rest = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--chip" || a === "-c") {
    if (version === 1) fail("unrecognized option '--chip'");
    opts.set("chip", args[++i]);
  } else if (a.startsWith("--")) {
    const [k, v] = a.slice(2).split("=");
    opts.set(k, v ?? true);
  } else rest.push(a);
}
const known = {
  1: {
    gpioset: ["mode", "active-low"],
    gpioget: ["active-low", "bias"],
    gpiomon: ["format", "rising-edge", "falling-edge", "active-low", "bias"],
  },
  2: {
    gpioset: ["chip", "active-low"],
    gpioget: ["chip", "numeric", "as-is", "active-low", "bias"],
    gpiomon: ["chip", "format", "edges", "debounce-period", "active-low", "bias"],
  },
}[version][tool];
for (const k of opts.keys()) if (!known.includes(k)) fail(`unrecognized option '--${k}'`);
const chip = version === 1 ? rest.shift() : opts.get("chip");
if (!chip) fail("chip not specified");
const activeLow = opts.has("active-low");
log({ args });

if (tool === "gpioset") {
  if (version === 1 && opts.get("mode") !== "signal") fail("stub only supports --mode=signal");
  for (const assignment of rest) {
    const [pin, value] = assignment.split("=");
    writeFileSync(levelFile(chip, pin), String(Number(value) ^ (activeLow ? 1 : 0)));
  }
  process.on("SIGTERM", () => {
    log({ exit: "SIGTERM" });
    process.exit(0);
  });
  setInterval(() => undefined, 1 << 30);
} else if (tool === "gpioget") {
  if (version === 2 && !opts.has("numeric")) fail("stub expects --numeric");
  console.log(rest.map((pin) => readLevel(chip, pin) ^ (activeLow ? 1 : 0)).join(" "));
} else if (tool === "gpiomon") {
  const pin = rest[0];
  const events = (process.env.GPIOD_STUB_EVENTS ?? "").split(",").filter(Boolean);
  let t = 1000;
  for (const e of events) {
    const rising = e === "1";
    t += 0.001;
    const type = version === 1 ? (rising ? "1" : "0") : rising ? "1" : "2";
    const secs = Math.floor(t);
    const nanos = Math.round((t - secs) * 1e9);
    process.stdout.write(
      version === 1 ? `${type} ${pin} ${secs} ${nanos}\n` : `${type} ${pin} ${t.toFixed(9)}\n`,
    );
  }
  process.on("SIGTERM", () => process.exit(0));
  setInterval(() => undefined, 1 << 30);
}
