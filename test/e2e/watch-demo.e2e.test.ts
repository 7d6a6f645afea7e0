import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliProcess, runXiot } from "../helpers/cli";
import { startStack } from "./stack";

interface Line {
  device: string;
  channel: string;
  t: number;
  v: unknown;
  unit?: string;
  item: string;
  time: string;
}

const parse = (proc: CliProcess): Line[] => proc.stdout.map((l) => JSON.parse(l.text) as Line);

describe("xiot watch", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-watch-"));
  let up: CliProcess;
  const watchers: CliProcess[] = [];
  const startWatch = (args: string[]) => {
    const proc = runXiot(["watch", ...args]);
    watchers.push(proc);
    return proc;
  };

  beforeAll(async () => {
    ({ proc: up } = await startStack(dir));
  });
  afterAll(async () => {
    await Promise.all(watchers.map((w) => w.stop("SIGTERM")));
    await up?.stop("SIGINT");
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the demo device's readings within 5 s of start, decoded, with units, one JSON object per line", async () => {
    const started = Date.now();
    const w = startWatch(["sim-1", "--dir", dir, "--json"]);
    const first = await w.waitForLine("stdout", (t) => t.startsWith("{"), 5000);
    expect(first.at - started).toBeLessThan(5000);
    // Live readings keep coming (the demo device publishes every 2 s).
    await w.waitForLine("stdout", () => true, 10_000, first.at + 1);
    const lines = parse(w);
    expect(lines[0]).toMatchObject({ device: "sim-1", time: new Date(lines[0]!.t).toISOString() });
    const temperature = lines.find((l) => l.channel === "temperature");
    if (temperature) {
      expect(temperature.unit).toBe("°C");
      expect(typeof temperature.v).toBe("number");
    }
    expect(new Set(lines.map((l) => `${l.item} ${l.channel} ${l.t}`)).size).toBe(lines.length);
    expect(await w.stop("SIGINT")).toEqual({ code: 0, signal: null });
  });

  it("prints stored history since a time in time order, then live, for one channel", async () => {
    const since = Date.now() - 60_000;
    const started = Date.now();
    const w = startWatch(["sim-1/temperature", "--dir", dir, "--json", "--since", "1m"]);
    await w.waitForLine("stderr", (t) => t.includes("watching sim-1/temperature"), 10_000);
    const history = parse(w);
    // Stored readings from before this watcher started: history, not only live ones.
    expect(history.some((l) => l.t < started)).toBe(true);
    expect(history.every((l) => l.channel === "temperature" && l.t >= since - 1000)).toBe(true);
    const times = history.map((l) => l.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const count = w.stdout.length;
    await w.waitForLine("stdout", () => true, 10_000, w.stdout[count - 1]!.at + 1);
    const after = parse(w).slice(count);
    expect(after.every((l) => l.channel === "temperature" && l.t >= times[times.length - 1]!)).toBe(true);
    expect(await w.stop("SIGTERM")).toEqual({ code: 0, signal: null });
  });

  it("human output, and a clear error for a bad target", async () => {
    const w = startWatch(["sim-1", "--dir", dir]);
    const line = await w.waitForLine("stdout", (t) => / sim-1 {2}/.test(t), 8000);
    expect(line.text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}sim-1 {2}\w+ +\S+/);
    await w.stop("SIGINT");
    const bad = startWatch(["Not A Device", "--dir", dir]);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr.map((l) => l.text).join("\n")).toContain("expected <device> or <device>/<channel>");
  });
});
