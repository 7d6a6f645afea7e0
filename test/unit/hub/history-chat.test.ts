/* The chat reply for a channel's history: figures formatted by shared/format.ts, the tier the
 * range picks, a 24-slot sparkline, booleans as the share of time on, strings as the last value;
 * read for a reader of the device only, a stranger told what is told for a device that does not
 * exist; an unknown channel answered with the device's channels. */
import { describe, expect, it } from "vitest";
import type { AccessRule } from "../../../hub/access/rule";
import type { DeviceMeta } from "../../../hub/control/device-info";
import { BARS, onShare, SLOTS, samplesOf, sparkline, trendText } from "../../../hub/history/chat-text";
import { createChatTrends } from "../../../hub/history/chat-trend";
import { createMemoryHistory } from "../../../hub/history/memory";
import { DAY, DEFAULT_RETENTION, HOUR, MINUTE } from "../../../hub/history/types";
import { fail } from "../../../hub/pubsub/types";
import { readingsNode } from "../../../shared/model";

const NOW = Date.UTC(2026, 11, 2, 12);
const META: DeviceMeta = {
  model: "xiot-simulated",
  channels: [
    { name: "temperature", valueType: "number", unit: "°C" },
    { name: "mode", valueType: "string" },
  ],
  actuators: [{ name: "relay", valueType: "boolean" }],
};

function setup() {
  const history = createMemoryHistory(DEFAULT_RETENTION);
  // One reading a minute for the last 12 hours: 20.00, 20.01, … and the relay on in the last hour.
  const readings = Array.from({ length: 720 }, (_, i) => NOW - (720 - i) * MINUTE);
  history.add(
    "d1",
    readings.map((t, i) => ({ c: "temperature", t, v: 20 + i / 100 })),
    NOW,
  );
  history.add(
    "d1",
    readings.map((t) => ({ c: "relay", t, v: NOW - t < HOUR })),
    NOW,
  );
  history.add(
    "d1",
    [
      { c: "mode", t: NOW - 5 * MINUTE, v: "auto" },
      { c: "mode", t: NOW - MINUTE, v: "eco" },
    ],
    NOW,
  );
  const readers = new Set(["alice@example.org"]);
  const access: Pick<AccessRule, "factsOf" | "refusal"> = {
    factsOf: async (node) => (node === readingsNode("d1") ? ({} as never) : undefined),
    refusal: async (_node, jid) => (readers.has(jid) ? undefined : fail("forbidden")),
  };
  const trends = createChatTrends({
    history,
    access,
    meta: async (d) => (d === "d1" ? META : undefined),
    now: () => NOW,
  });
  return { history, readers, say: trends.trend };
}

describe("history in chat", () => {
  it("answers min, mean, max, last, the range, the tier and a sparkline in one short reply", async () => {
    const { say } = setup();
    const reply = await say("alice@example.org", "d1", "temperature", { kind: "back", duration: "1h" });
    const lines = reply.split("\n");
    expect(lines[0]).toBe("d1 temperature, last 1h (2026-12-02 11:00Z to 2026-12-02 12:00Z), tier raw:");
    // The last hour holds readings 660…719: 26.6 … 27.19 °C.
    expect(lines[1]).toBe("min 26.6 °C, mean 26.89 °C, max 27.19 °C, last 27.19 °C; 60 readings");
    expect(lines[2]).toHaveLength(SLOTS);
    expect(lines[2]?.startsWith(BARS[0] as string)).toBe(true);
    expect(lines[2]?.endsWith(BARS[7] as string)).toBe(true);
    expect(lines).toHaveLength(3);
    const day = await say("alice@example.org", "d1", "temperature", { kind: "back", duration: "24h" });
    expect(day.split("\n")[0]).toContain("tier 1m:");
    expect(day.split("\n")[1]).toBe("min 20 °C, mean 23.6 °C, max 27.19 °C, last 27.19 °C; 720 readings");
    // The first half of the day had no readings.
    expect(day.split("\n")[2]).toMatch(/^·{12}▁/);
    const month = await say("alice@example.org", "d1", "temperature", { kind: "back", duration: "30d" });
    expect(month.split("\n")[0]).toContain("tier 1h:");
    expect(month.split("\n")[1]).toMatch(/; 720 readings$/);
    expect(Buffer.byteLength(month)).toBeLessThan(512);
  });

  it("answers from/to ranges and says plainly when there is nothing in one", async () => {
    const { say } = setup();
    const between = { kind: "between", from: "2026-12-02T11:30:00Z", to: "2026-12-02T11:40:00Z" } as const;
    const reply = await say("alice@example.org", "d1", "temperature", between);
    expect(reply.split("\n").slice(0, 2)).toEqual([
      "d1 temperature, 2026-12-02 11:30Z to 2026-12-02 11:40Z, tier raw:",
      "min 26.9 °C, mean 26.95 °C, max 26.99 °C, last 26.99 °C; 10 readings",
    ]);
    expect(
      await say("alice@example.org", "d1", "temperature", {
        kind: "between",
        from: "2026-11-01",
        to: "2026-11-02",
      }),
    ).toBe("No readings of d1 temperature from 2026-11-01 00:00Z to 2026-11-02 00:00Z.");
    expect(
      await say("alice@example.org", "d1", "temperature", {
        kind: "between",
        from: "2026-12-02",
        to: "2026-12-01",
      }),
    ).toBe("The range ends before it starts.");
  });

  it("answers booleans with the share of time on and strings with the last value", async () => {
    const { say } = setup();
    const relay = (await say("alice@example.org", "d1", "relay", { kind: "back", duration: "3h" })).split(
      "\n",
    );
    // In the last three hours the relay was on in the newest one (from its second minute on).
    expect(relay[1]).toBe("on 33% of the time, last on; 180 readings");
    expect(relay[2]).toBe(`${BARS[0]?.repeat(16)}${BARS[6]}${BARS[7]?.repeat(7)}`);
    expect(await say("alice@example.org", "d1", "mode", { kind: "back", duration: "1h" })).toBe(
      'd1 mode, last 1h (2026-12-02 11:00Z to 2026-12-02 12:00Z), tier raw:\nlast "eco"; 2 readings',
    );
  });

  it("tells a stranger what it tells about a device that does not exist, and lists the channels", async () => {
    const { say, readers } = setup();
    const range = { kind: "back", duration: "24h" } as const;
    expect(await say("eve@example.org", "d1", "temperature", range)).toBe("No device d1 that you can see.");
    expect(await say("alice@example.org", "nope", "temperature", range)).toBe(
      "No device nope that you can see.",
    );
    expect(await say("alice@example.org", "d1", "pressure", range)).toBe(
      'd1 has no channel "pressure"; its channels: temperature, mode, relay.',
    );
    readers.delete("alice@example.org");
    expect(await say("alice@example.org", "d1", "temperature", range)).toBe("No device d1 that you can see.");
  });

  it("draws sparklines between the lowest and highest slot, gaps as dots, flat as the middle bar", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([1, undefined, 1])).toBe("▄·▄");
    expect(sparkline([0, 0.5, 1], 0, 1)).toBe("▁▅█");
    const series = {
      tier: "raw" as const,
      rows: [
        { t: 0, v: true },
        { t: 30, v: false },
        { t: 40, v: true },
      ],
    };
    expect(onShare(samplesOf(series), 100)).toBeCloseTo(0.9);
    expect(trendText({ device: "d", channel: "c", from: 0, to: DAY, series: { tier: "1h", rows: [] } })).toBe(
      "No readings of d c from 1970-01-01 00:00Z to 1970-01-02 00:00Z.",
    );
  });
});
