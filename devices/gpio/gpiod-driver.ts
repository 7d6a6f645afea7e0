/* GPIO through Debian's gpiod command-line tools, for systems without sysfs GPIO (docs/design.md §4). One
 * long-lived `gpioset` per output holds the line; a new value replaces that process. Inputs run one
 * `gpiomon` and parse its lines. Tools are found on PATH (tests put stubs there). */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Logger } from "../../shared/log";
import { DeviceError, errorMessage } from "../errors";
import type { Clock } from "../types";
import { pickHeaderChip } from "./chip";
import { debouncer } from "./debounce";
import {
  type GpiodVersion,
  gpiogetArgs,
  gpiomonArgs,
  gpiosetArgs,
  type LineSpec,
  parseGpiodetect,
  parseGpiodVersion,
  parseGpiomonLine,
} from "./gpiod-args";
import type { GpioDriver, GpioInput, GpioInputOptions, GpioOutput, GpioOutputOptions } from "./types";

export interface GpiodDeps {
  clock: Clock;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  labels?: readonly string[];
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: 5000 }, (error, stdout, stderr) => {
      if (error)
        reject(
          new DeviceError("io", `${cmd} ${args.join(" ")}: ${stderr.trim() || error.message}`, {
            cause: error,
          }),
        );
      else resolve(stdout);
    });
  });
}

async function detect(deps: GpiodDeps): Promise<{ version: GpiodVersion; chip: string }> {
  const versionText = await run("gpioset", ["--version"], deps.env);
  const version = parseGpiodVersion(versionText);
  if (!version)
    throw new DeviceError("missing-hardware", `unknown gpiod version: ${versionText.split("\n")[0]}`);
  const chips = parseGpiodetect(await run("gpiodetect", [], deps.env));
  const chip = pickHeaderChip(
    chips.map((c) => ({ chip: c.chip, label: c.label, base: 0, ngpio: c.lines })),
    deps.labels,
  );
  return { version, chip: chip.chip };
}

const parseValue = (stdout: string, what: string) => {
  const text = stdout.trim();
  if (text !== "0" && text !== "1")
    throw new DeviceError("bad-data", `${what}: unexpected output "${text.slice(0, 40)}"`);
  return text === "1";
};

function stopProcess(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGTERM");
  });
}

function spawned(proc: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    proc.once("spawn", () => resolve());
    proc.once("error", (error) =>
      reject(new DeviceError("io", `${what}: ${errorMessage(error)}`, { cause: error })),
    );
  });
}

interface Tools {
  deps: GpiodDeps;
  version: GpiodVersion;
  chip: string;
}

/** One gpioset process holds the output; each write replaces it with one holding the new level. */
async function openGpiodOutput(
  { deps, version, chip }: Tools,
  options: GpioOutputOptions,
): Promise<GpioOutput> {
  const line: LineSpec = { chip, pin: options.pin, activeLow: options.activeLow };
  let value = options.initial === "keep" ? options.safeState : options.initial;
  if (options.initial === "keep" && version === 2) {
    value = parseValue(await run("gpioget", gpiogetArgs(2, line, "none", true), deps.env), "gpioget");
  } else if (options.initial === "keep") {
    deps.log.warn(
      { pin: options.pin },
      "gpiod v1 cannot read an output without changing it; using the safe state",
    );
  }
  let proc: ChildProcess | undefined;
  let failure: Error | undefined;
  const hold = async (v: boolean) => {
    await stopProcess(proc);
    const p = spawn("gpioset", gpiosetArgs(version, line, v), {
      env: deps.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    p.once("exit", (code, signal) => {
      if (proc !== p || signal === "SIGTERM") return;
      failure = new DeviceError(
        "io",
        `gpioset for GPIO ${options.pin} exited (${code ?? signal}): ${stderr.trim()}`,
      );
      deps.log.error({ pin: options.pin, err: failure.message }, "gpioset exited");
    });
    proc = p;
    failure = undefined;
    await spawned(p, "gpioset");
    value = v;
  };
  await hold(value);
  return {
    read: async () => {
      if (failure) throw failure;
      return value;
    },
    write: async (v) => {
      if (failure) deps.log.warn({ pin: options.pin }, "restarting gpioset after a failure");
      await hold(v);
    },
    close: () => stopProcess(proc),
  };
}

/** Reads with gpioget; watching runs one gpiomon and parses its lines. */
async function openGpiodInput({ deps, version, chip }: Tools, options: GpioInputOptions): Promise<GpioInput> {
  const line: LineSpec = { chip, pin: options.pin, activeLow: options.activeLow };
  let current = parseValue(
    await run("gpioget", gpiogetArgs(version, line, options.pull), deps.env),
    "gpioget",
  );
  let monitor: ChildProcess | undefined;
  return {
    // gpiomon holds the line while watching, so reads use the last reported level.
    read: async () =>
      monitor
        ? current
        : parseValue(await run("gpioget", gpiogetArgs(version, line, options.pull), deps.env), "gpioget"),
    watch(listener, onError) {
      // v2 debounces in the kernel; v1 has no debounce option, so it is done here.
      const swDebounce = version === 1 ? options.debounceMs : 0;
      const debounce = debouncer(swDebounce, deps.clock, (e) => {
        current = e.value;
        listener(e);
      });
      const args = gpiomonArgs(version, line, options.edge, options.pull, options.debounceMs);
      const p = spawn("gpiomon", args, { env: deps.env, stdio: ["ignore", "pipe", "pipe"] });
      monitor = p;
      p.once("error", (e) => onError?.(new DeviceError("io", `gpiomon: ${e.message}`, { cause: e })));
      p.once("exit", (code, signal) => {
        if (monitor === p && signal !== "SIGTERM")
          onError?.(new DeviceError("io", `gpiomon exited (${code ?? signal})`));
      });
      createInterface({ input: p.stdout! }).on("line", (text) => {
        const event = parseGpiomonLine(version, text);
        if (event?.offset === options.pin) debounce.push({ value: event.rising, t: deps.clock.now() });
      });
      return () => {
        debounce.stop();
        if (monitor === p) monitor = undefined;
        void stopProcess(p);
      };
    },
    close: async () => {
      const p = monitor;
      monitor = undefined;
      await stopProcess(p);
    },
  };
}

export function gpiodDriver(deps: GpiodDeps): GpioDriver {
  let detected: Promise<Tools> | undefined;
  const setup = () => {
    detected ??= detect(deps).then((d) => ({ deps, ...d }));
    return detected;
  };
  return {
    name: "gpiod",
    capabilities: { pull: true, debounce: true },
    openOutput: async (options) => openGpiodOutput(await setup(), options),
    openInput: async (options) => openGpiodInput(await setup(), options),
  };
}
