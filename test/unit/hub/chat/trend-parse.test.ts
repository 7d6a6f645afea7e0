/* The hub's `<device> <channel> <range>` command among the other chat commands: it reads
 * durations and from/to ranges, and leaves the relayed device commands and "did you mean" as
 * they were. */
import { describe, expect, it } from "vitest";
import { createChatCommands } from "../../../../hub/chat/dispatch";
import { parseCommand } from "../../../../hub/chat/parse";
import { controlHarness } from "../control/harness";
import { ALICE } from "../devices/setup";

describe("the history command in chat", () => {
  it("parses durations and from/to ranges for a device's channel", () => {
    expect(parseCommand("kitchen-1 temperature 24h")).toEqual({
      kind: "trend",
      device: "kitchen-1",
      channel: "temperature",
      range: { kind: "back", duration: "24h" },
    });
    expect(parseCommand("Kitchen-1 Temperature 30D")).toMatchObject({
      device: "kitchen-1",
      range: { duration: "30d" },
    });
    expect(parseCommand("kitchen-1 temperature from 2026-12-01 to 2026-12-02T06:00:00Z")).toEqual({
      kind: "trend",
      device: "kitchen-1",
      channel: "temperature",
      range: { kind: "between", from: "2026-12-01", to: "2026-12-02T06:00:00Z" },
    });
    expect(parseCommand("kitchen-1 temperature from tuesday")).toMatchObject({
      kind: "usage",
      usage: "<device> <channel> <range>",
      problem: expect.stringMatching(/^"tuesday" is not a time/),
    });
  });

  it("leaves the relayed commands, unknown text and suggestions as they were", () => {
    expect(parseCommand("kitchen relay on")).toMatchObject({ kind: "switch", device: "kitchen", on: true });
    expect(parseCommand("kitchen set target 21")).toMatchObject({ kind: "set", value: "21" });
    expect(parseCommand("kitchen relay onn")).toMatchObject({ kind: "unknown" });
    expect(parseCommand("make coffee now")).toMatchObject({ kind: "unknown" });
  });

  it("answers through the control service, which says when no history is kept", async () => {
    const c = await controlHarness();
    const commands = createChatCommands({ devices: c.h.service, control: c.chat, clock: { now: c.h.now } });
    expect(await commands.handle(ALICE, "kitchen temperature 24h")).toBe(
      "This hub keeps no history of readings.",
    );
    expect(await commands.handle(ALICE, "kitchen temperature 24hours")).toBe(
      '"24hours" is not a duration (such as 24h, 7d or 30d). Usage: <device> <channel> <range>',
    );
    expect(await commands.handle(ALICE, "kitchen relay onn")).toBe('Did you mean "kitchen relay on"?');
  });
});
