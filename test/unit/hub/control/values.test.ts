import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { latestReadings, parseMeta, parseState } from "../../../../hub/control/device-info";
import { outcomeText, statusTable, when } from "../../../../hub/control/text";
import { showValue, typeValue } from "../../../../hub/control/values";
import { NS_READINGS } from "../../../../shared/xmpp/ns";

const NOW = Date.parse("2026-11-21T12:00:00Z");

describe("typing values", () => {
  it("types by the actuator's value type, and guesses without meta", () => {
    expect(typeValue("relay", "ON", "boolean")).toEqual({
      ok: true,
      value: { name: "relay", type: "boolean", value: true },
    });
    expect(typeValue("relay", "no", "boolean")).toMatchObject({ value: { value: false } });
    expect(typeValue("target", "-2.5e1", "number")).toEqual({
      ok: true,
      value: { name: "target", type: "double", value: -25 },
    });
    expect(typeValue("label", " hello world ", "string")).toMatchObject({
      value: { type: "string", value: "hello world" },
    });
    expect(typeValue("x", "off")).toMatchObject({ value: { type: "boolean", value: false } });
    expect(typeValue("x", "12")).toMatchObject({ value: { type: "double", value: 12 } });
    expect(typeValue("x", "warm")).toMatchObject({ value: { type: "string", value: "warm" } });
  });

  it("refuses what the type cannot take", () => {
    expect(typeValue("relay", "maybe", "boolean")).toEqual({
      ok: false,
      reason: 'relay takes on or off, not "maybe"',
    });
    expect(typeValue("target", "1e999", "number")).toEqual({
      ok: false,
      reason: 'target takes a number, not "1e999"',
    });
    expect(typeValue("target", true, "number")).toEqual({ ok: false, reason: "target does not take on/off" });
    expect(typeValue("label", "  ", "string")).toEqual({ ok: false, reason: "give a value for label" });
    expect(showValue(true)).toBe("on");
    expect(showValue(21.5, "°C")).toBe("21.5 °C");
  });
});

describe("device items", () => {
  it("reads meta and state leniently: bad entries are skipped, bad JSON is absent", () => {
    const meta = parseMeta(
      xml(
        "meta",
        {},
        JSON.stringify({
          model: "m",
          channels: [{ name: "t", valueType: "number", unit: "°C" }, { name: 5 }],
          actuators: [
            { name: "relay", valueType: "boolean" },
            { name: "x", valueType: "date" },
          ],
        }),
      ),
    );
    expect(meta).toEqual({
      model: "m",
      channels: [{ name: "t", valueType: "number", unit: "°C" }],
      actuators: [{ name: "relay", valueType: "boolean" }],
    });
    expect(parseMeta(xml("meta", {}, "{nope"))).toBeUndefined();
    const state = parseState(
      xml("state", {}, JSON.stringify({ t: 5, actuators: { relay: { v: true, t: 4 }, bad: { v: {} } } })),
    );
    expect([...(state?.actuators ?? [])]).toEqual([["relay", { v: true, t: 4 }]]);
  });

  it("keeps the newest reading of each channel of a readings document", () => {
    const doc = {
      v: 1,
      dev: "d",
      boot: "b1",
      seq: 1,
      clk: "sync",
      r: [
        { c: "t", t: 2, v: 20 },
        { c: "t", t: 1, v: 19 },
        { c: "h", t: 1, v: 50 },
      ],
    };
    const out = latestReadings(
      xml("readings", { xmlns: NS_READINGS, encoding: "json" }, JSON.stringify(doc)),
    );
    expect(out.get("t")?.v).toBe(20);
    expect(out.get("h")?.v).toBe(50);
  });
});

describe("reply texts", () => {
  it("says each outcome in one sentence", () => {
    expect(outcomeText("k", "relay", { kind: "done", id: "1", value: false })).toBe("Done: k relay is off.");
    expect(outcomeText("k", "relay", { kind: "expired", id: "1" })).toBe(
      "Expired: k got the command too late and did not apply it.",
    );
    expect(outcomeText("k", "relay", { kind: "timeout", id: "1" })).toBe(
      "Timed out: k did not answer; the state of relay is unknown.",
    );
    expect(outcomeText("k", "relay", { kind: "failed", id: "1", reason: "gpio" })).toBe(
      "Failed: k could not set relay (gpio).",
    );
    expect(when(NOW - 5000, NOW)).toBe("11:59:55Z");
    expect(when(NOW - 2 * 86_400_000, NOW)).toBe("2026-11-19 12:00Z");
  });

  it("renders status as an aligned table and history oldest first", () => {
    const table = statusTable(
      {
        device: "k",
        availability: "online",
        since: NOW - 1000,
        snapshot: {
          meta: {
            model: "m",
            channels: [{ name: "temperature", valueType: "number", unit: "°C" }],
            actuators: [{ name: "relay", valueType: "boolean" }],
          },
          state: { t: NOW, actuators: new Map([["relay", { v: true, t: NOW - 2000 }]]) },
          stateAt: NOW,
          readings: new Map([["temperature", { c: "temperature", t: NOW - 3000, v: 21.5 }]]),
        },
      },
      NOW,
    );
    expect(table).toBe(
      [
        "k: online since 11:59:59Z",
        "relay        on       11:59:58Z",
        "temperature  21.5 °C  11:59:57Z",
      ].join("\n"),
    );
  });
});
