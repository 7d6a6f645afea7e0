import { describe, expect, it } from "vitest";
import {
  done,
  duration,
  formatNumber,
  formatValue,
  helpText,
  noAccess,
  noChannel,
  noDevice,
  notAnActuator,
  readOnly,
  readout,
  refused,
  sentence,
  tooOld,
  unknownCommand,
  usageReply,
} from "../../../../shared/chat/replies";

describe("reply wording", () => {
  it("writes values one way: booleans as on/off, numbers with their unit", () => {
    expect([formatValue(true), formatValue(false)]).toEqual(["on", "off"]);
    expect(formatValue(21.5, "°C")).toBe("21.5 °C");
    expect(formatValue(3)).toBe("3");
    expect(formatValue("auto", "°C")).toBe("auto");
    expect([formatNumber(-0), formatNumber(1e21), formatNumber(0.1)]).toEqual(["0", "1e+21", "0.1"]);
  });

  it("says a readout and a switch done the same way for any subject", () => {
    expect(readout("kitchen relay", true)).toBe("kitchen relay: on");
    expect(readout("temperature", 21.5, "°C", "estimated")).toBe("temperature: 21.5 °C (estimated)");
    expect(done("kitchen relay", false)).toBe("Done: kitchen relay is off.");
    expect(done("dimmer", 40)).toBe("Done: dimmer is 40.");
  });

  it("turns reasons into refusals and sentences", () => {
    expect(refused(readOnly("kitchen"))).toBe("Refused: you may read kitchen but not control it.");
    expect(refused(`${notAnActuator("temperature")}.`)).toBe(
      "Refused: temperature is a sensor, not an actuator.",
    );
    expect(sentence(noAccess("kitchen"))).toBe("You have no access to kitchen.");
    expect(sentence(noChannel("kitchen", "x"), "kitchen")).toBe('kitchen has no channel "x".');
    expect(sentence(noChannel("kitchen", "x"))).toBe('Kitchen has no channel "x".');
    expect(sentence(noChannel("sim-1", "temprature", ["temperature", "humidity", "relay"]), "sim-1")).toBe(
      'sim-1 has no channel "temprature"; its channels: temperature, humidity, relay.',
    );
    expect(sentence(noDevice("sim-2"))).toBe("No device sim-2 that you can see.");
  });

  it("answers unknown text and usage problems, and writes help as a title and one line per command", () => {
    expect(unknownCommand("make coffee")).toBe(
      'I don\'t understand "make coffee". Send help for the list of commands.',
    );
    expect(unknownCommand("")).toBe("Send help for the list of commands.");
    expect(
      usageReply({
        kind: "usage",
        command: "set",
        usage: "set <channel> <value>",
        problem: "give the value",
      }),
    ).toBe("Give the value. Usage: set <channel> <value>");
    expect(helpText([{ usage: "status", help: "every channel" }], ["channels: a"])).toBe(
      "Commands:\nstatus — every channel\nchannels: a",
    );
  });

  it("rounds durations up to seconds, minutes, hours, and says how old a refused command was", () => {
    expect([1, 999, 1000, 59_001, 60_000, 61_000, 3_600_000, 3_660_000].map(duration)).toEqual([
      "1 s",
      "1 s",
      "1 s",
      "1 min",
      "1 min",
      "2 min",
      "1 h",
      "1 h 1 min",
    ]);
    expect(tooOld(75_000)).toBe(
      "That command was sent 2 min ago and was not run. Send it again if you still want it.",
    );
  });
});
