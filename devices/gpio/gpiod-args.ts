/* References: libgpiod tools v1 (gpioset --mode=signal, gpiomon --format %e 0/1, no --debounce) and v2
 * (gpioset holds lines until killed, --chip, gpioget --numeric/--as-is, gpiomon --edges,
 * --debounce-period, --format %e 1 rising / 2 falling, %S seconds.nanoseconds). Pure argument builders
 * and output parsers for both. */
import type { Edge, Pull } from "./types";

export type GpiodVersion = 1 | 2;

export interface LineSpec {
  chip: string;
  pin: number;
  activeLow: boolean;
}

const activeLowFlag = (s: LineSpec) => (s.activeLow ? ["--active-low"] : []);

/** Both versions spell bias the same: --bias=pull-up|pull-down ("none" leaves the line as it is). */
function biasFlag(pull: Pull): string[] {
  if (pull === "none") return [];
  return [`--bias=${pull === "up" ? "pull-up" : "pull-down"}`];
}

export function gpiosetArgs(version: GpiodVersion, s: LineSpec, value: boolean): string[] {
  const assignment = `${s.pin}=${value ? 1 : 0}`;
  return version === 1
    ? ["--mode=signal", ...activeLowFlag(s), s.chip, assignment]
    : ["--chip", s.chip, ...activeLowFlag(s), assignment];
}

export function gpiogetArgs(version: GpiodVersion, s: LineSpec, pull: Pull, asIs = false): string[] {
  return version === 1
    ? [...activeLowFlag(s), ...biasFlag(pull), s.chip, String(s.pin)]
    : [
        "--chip",
        s.chip,
        "--numeric",
        ...(asIs ? ["--as-is"] : []),
        ...activeLowFlag(s),
        ...biasFlag(pull),
        String(s.pin),
      ];
}

export function gpiomonArgs(
  version: GpiodVersion,
  s: LineSpec,
  edge: Edge,
  pull: Pull,
  debounceMs: number,
): string[] {
  if (version === 1) {
    const edges = edge === "rising" ? ["--rising-edge"] : edge === "falling" ? ["--falling-edge"] : [];
    return ["--format=%e %o %s %n", ...edges, ...activeLowFlag(s), ...biasFlag(pull), s.chip, String(s.pin)];
  }
  const debounce = debounceMs > 0 ? [`--debounce-period=${debounceMs}ms`] : [];
  return [
    "--chip",
    s.chip,
    "--format=%e %o %S",
    `--edges=${edge}`,
    ...debounce,
    ...activeLowFlag(s),
    ...biasFlag(pull),
    String(s.pin),
  ];
}

export interface GpiomonEvent {
  rising: boolean;
  offset: number;
  /** Kernel timestamp in seconds, as printed. */
  seconds: number;
}

export function parseGpiomonLine(version: GpiodVersion, line: string): GpiomonEvent | undefined {
  const parts = line.trim().split(/\s+/);
  const [type, offset, secs, nanos] = parts;
  if (type === undefined || offset === undefined || secs === undefined || !/^\d+$/.test(offset))
    return undefined;
  const rising = type === "1";
  const falling = version === 1 ? type === "0" : type === "2";
  if (!rising && !falling) return undefined;
  const seconds = version === 1 ? Number(secs) + Number(nanos ?? 0) / 1e9 : Number(secs);
  if (!Number.isFinite(seconds)) return undefined;
  return { rising, offset: Number(offset), seconds };
}

/** `gpiodetect` line: "gpiochip0 [pinctrl-bcm2711] (58 lines)" (same in v1 and v2). */
export function parseGpiodetect(text: string): { chip: string; label: string; lines: number }[] {
  const out: { chip: string; label: string; lines: number }[] = [];
  for (const line of text.split("\n")) {
    const m = /^(gpiochip\d+)\s+\[([^\]]*)\]\s+\((\d+) lines?\)/.exec(line.trim());
    if (m) out.push({ chip: m[1]!, label: m[2]!, lines: Number(m[3]) });
  }
  return out;
}

/** "gpioset (libgpiod) v1.6.3" → 1; "gpioset (libgpiod) v2.1" → 2. */
export function parseGpiodVersion(text: string): GpiodVersion | undefined {
  const m = /\bv(\d+)\.\d+/.exec(text);
  if (!m) return undefined;
  return m[1] === "1" ? 1 : m[1] === "2" ? 2 : undefined;
}
