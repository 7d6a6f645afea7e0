import { describe, expect, it } from "vitest";
import { UsageError } from "../../../../cli/command";
import { formatJson, formatText, parseSince, parseTarget } from "../../../../cli/watch/format";

describe("xiot watch arguments and output", () => {
  it("reads <device> and <device>/<channel>, and refuses anything else", () => {
    expect(parseTarget("sim-1")).toEqual({ device: "sim-1" });
    expect(parseTarget("sim-1/temperature")).toEqual({ device: "sim-1", channel: "temperature" });
    for (const bad of [undefined, "", "Sim", "sim-1/", "sim-1/Temp", "a/b/c"]) {
      expect(() => parseTarget(bad)).toThrow(UsageError);
    }
  });

  it("reads --since as a duration back from now or a date-time", () => {
    const now = 10_000_000;
    expect(parseSince("90s", now)).toBe(now - 90_000);
    expect(parseSince("10m", now)).toBe(now - 600_000);
    expect(parseSince("2h", now)).toBe(now - 7_200_000);
    expect(parseSince("1d", now)).toBe(now - 86_400_000);
    expect(parseSince("2026-01-01T00:00:00Z", now)).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(() => parseSince("soon", now)).toThrow(/--since/);
  });

  it("prints a reading as text or as one JSON object", () => {
    const line = { device: "sim-1", channel: "temperature", t: 0, v: 21.5, unit: "°C", item: "1.a-3" };
    expect(formatText(line)).toBe("1970-01-01T00:00:00.000Z  sim-1  temperature   21.5 °C");
    expect(formatText({ ...line, channel: "relay", v: true, unit: undefined, q: "estimate" })).toBe(
      "1970-01-01T00:00:00.000Z  sim-1  relay         on  (estimate)",
    );
    expect(JSON.parse(formatJson(line))).toEqual({ ...line, time: "1970-01-01T00:00:00.000Z" });
  });
});
