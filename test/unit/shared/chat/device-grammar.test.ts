import { describe, expect, it } from "vitest";
import { type DeviceCommand, deviceShapes, parseDeviceCommand } from "../../../../shared/chat/device-grammar";
import { helpLines } from "../../../../shared/chat/grammar";

const COMMANDS: Record<string, DeviceCommand> = {
  " Help ": { kind: "help" },
  status: { kind: "status" },
  STATUS: { kind: "status" },
  "Temperature?": { kind: "read", channel: "temperature" },
  "temperature ?": { kind: "read", channel: "temperature" },
  "relay ON": { kind: "switch", channel: "relay", on: true },
  "relay off": { kind: "switch", channel: "relay", on: false },
  "relay\tyes": { kind: "switch", channel: "relay", on: true },
  "relay 0": { kind: "switch", channel: "relay", on: false },
  "set dimmer 42.5": { kind: "set", channel: "dimmer", value: "42.5" },
  "SET Relay on": { kind: "set", channel: "relay", value: "on" },
  "set label  hello   world ": { kind: "set", channel: "label", value: "hello world" },
  restart: { kind: "operation", op: "restart" },
  Reload: { kind: "operation", op: "reload" },
  "reload CONFIG": { kind: "operation", op: "reload" },
};

const parse = (text: string, operations = true) => parseDeviceCommand(text, deviceShapes(operations));

describe("device commands", () => {
  it("builds each command shape from its words, in any case and spacing", () => {
    for (const [text, command] of Object.entries(COMMANDS))
      expect([text, parse(text)]).toEqual([text, command]);
  });

  it.each([
    ["set relay", "set", "give the channel and the value", "set <channel> <value>"],
    ["set", "set", "give the channel and the value", "set <channel> <value>"],
    ["set Bad! 1", "set", '"Bad!" is not a channel', "set <channel> <value>"],
    ["9lives?", "read", '"9lives" is not a channel', "<channel>?"],
    ["9lives on", "switch", '"9lives" is not a channel', "<channel> on|off"],
    ["help me", "help", "it takes no arguments", "help"],
    ["status now", "status", "it takes no arguments", "status"],
    ["restart now", "restart", "it takes no arguments", "restart"],
  ])("%j is a usage error of %s", (text, command, problem, usage) => {
    expect(parse(text)).toEqual({ kind: "usage", command, problem, usage });
  });

  it.each(["", "   ", "?", "relay", "relay maybe", "please open the door", "constructor", "__proto__ x"])(
    "%j is not understood",
    (text) => {
      expect(parse(text)).toEqual({ kind: "unknown", text: text.trim() });
    },
  );

  it("echoes at most 64 characters of what it did not understand", () => {
    expect(parse(`x ${"y".repeat(100)}`)).toEqual({ kind: "unknown", text: `x ${"y".repeat(62)}` });
  });

  it("offers restart and reload only where the agent can carry them out", () => {
    expect(parse("restart", false)).toEqual({ kind: "unknown", text: "restart" });
    expect(parse("reload config", false)).toEqual({ kind: "unknown", text: "reload config" });
    expect(helpLines(deviceShapes(false)).map((l) => l.usage)).toEqual([
      "status",
      "<channel>?",
      "<channel> on|off",
      "set <channel> <value>",
    ]);
    expect(helpLines(deviceShapes(true)).map((l) => l.usage)).toEqual([
      "status",
      "<channel>?",
      "<channel> on|off",
      "set <channel> <value>",
      "restart",
      "reload",
    ]);
  });

  it("lets command words win over channels of the same name", () => {
    expect(parse("set on")).toMatchObject({ kind: "usage", command: "set" });
    expect(parse("set?")).toEqual({ kind: "read", channel: "set" });
  });
});
