/* The gpiod driver against stub gpiod tools on PATH that accept only the v1 or only the v2 argument form. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { gpiodDriver } from "../../../../devices/gpio/gpiod-driver";
import type { GpioEdgeEvent } from "../../../../devices/gpio/types";
import { silentLogger } from "../../../../shared/log";
import { realClock } from "../../../helpers/devices/clock";
import { withTimeout } from "../../../helpers/devices/serial";

const bin = fileURLToPath(new URL("../../../helpers/devices/gpiod-bin", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(version: 1 | 2, events = "") {
  const dir = mkdtempSync(join(tmpdir(), "xiot-gpiod-"));
  dirs.push(dir);
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    GPIOD_STUB_VERSION: String(version),
    GPIOD_STUB_DIR: dir,
    GPIOD_STUB_EVENTS: events,
  };
  const driver = gpiodDriver({ clock: realClock(), log: silentLogger(), env });
  const log = () =>
    readFileSync(join(dir, "log.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { tool: string; args?: string[]; exit?: string; error?: string });
  const level = (pin: number) => readFileSync(join(dir, `gpiochip4-${pin}`), "utf8");
  /** gpioset applies the level once it has claimed the line, shortly after the write resolves. */
  const levelBecomes = (pin: number, want: string) =>
    vi.waitFor(() => expect(level(pin)).toBe(want), { timeout: 5000 });
  return { driver, log, level, levelBecomes };
}

function collect(n: number, watch: (l: (e: GpioEdgeEvent) => void) => () => void) {
  const seen: boolean[] = [];
  return withTimeout(
    new Promise<boolean[]>((resolve) => {
      const off = watch((e) => {
        seen.push(e.value);
        if (seen.length === n) {
          off();
          resolve(seen);
        }
      });
    }),
    5000,
    `${n} edge events`,
  );
}

describe.each([1, 2] as const)("gpiod driver, libgpiod v%i tools", (version) => {
  it("holds each output with one long-lived gpioset, replaced on write", async () => {
    const { driver, log, levelBecomes } = setup(version);
    const out = await driver.openOutput({ pin: 17, activeLow: true, initial: false, safeState: false });
    await levelBecomes(17, "1");
    await out.write(true);
    await levelBecomes(17, "0");
    expect(await out.read()).toBe(true);
    await out.close();
    const sets = log().filter((e) => e.tool === "gpioset");
    expect(sets.filter((e) => e.error)).toEqual([]);
    const expected =
      version === 1
        ? [
            ["--mode=signal", "--active-low", "gpiochip4", "17=0"],
            ["--mode=signal", "--active-low", "gpiochip4", "17=1"],
          ]
        : [
            ["--chip", "gpiochip4", "--active-low", "17=0"],
            ["--chip", "gpiochip4", "--active-low", "17=1"],
          ];
    expect(sets.filter((e) => e.args).map((e) => e.args)).toEqual(expected);
    expect(sets.filter((e) => e.exit === "SIGTERM")).toHaveLength(2);
  });

  it("reads inputs and parses gpiomon events", async () => {
    const { driver, log } = setup(version, "1,0,1");
    const input = await driver.openInput({
      pin: 22,
      edge: "both",
      debounceMs: 0,
      pull: "up",
      activeLow: false,
    });
    expect(await input.read()).toBe(false);
    expect(await collect(3, (l) => input.watch(l))).toEqual([true, false, true]);
    await input.close();
    const mon = log().find((e) => e.tool === "gpiomon")!;
    expect(mon.error).toBeUndefined();
    expect(mon.args).toContain("--bias=pull-up");
    expect(mon.args).toContain(version === 1 ? "--format=%e %o %s %n" : "--edges=both");
  });
});

describe("gpiod debounce", () => {
  it("v1 debounces in software: a bounce burst yields the first and the final level", async () => {
    const { driver } = setup(1, "1,0,1,0");
    const input = await driver.openInput({
      pin: 22,
      edge: "both",
      debounceMs: 40,
      pull: "none",
      activeLow: false,
    });
    expect(await collect(2, (l) => input.watch(l))).toEqual([true, false]);
    await input.close();
  });

  it("v2 hands debounce to the kernel with --debounce-period", async () => {
    const { driver, log } = setup(2, "1");
    const input = await driver.openInput({
      pin: 22,
      edge: "rising",
      debounceMs: 40,
      pull: "none",
      activeLow: false,
    });
    expect(await collect(1, (l) => input.watch(l))).toEqual([true]);
    await input.close();
    expect(log().find((e) => e.tool === "gpiomon")?.args).toEqual(
      expect.arrayContaining(["--debounce-period=40ms", "--edges=rising"]),
    );
  });

  it("v2 'keep' reads the output as-is before holding it", async () => {
    const { driver, log, levelBecomes } = setup(2);
    const first = await driver.openOutput({ pin: 5, activeLow: false, initial: true, safeState: false });
    await levelBecomes(5, "1");
    await first.close();
    const again = await driver.openOutput({ pin: 5, activeLow: false, initial: "keep", safeState: false });
    expect(await again.read()).toBe(true);
    await levelBecomes(5, "1");
    await again.close();
    expect(log().find((e) => e.tool === "gpioget")?.args).toContain("--as-is");
  });
});
