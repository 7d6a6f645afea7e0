import { describe, expect, it } from "vitest";
import { parseCommand, usage } from "../../../../hub/chat/parse";
import { HELP } from "../../../../hub/chat/replies";

describe("parseCommand", () => {
  it.each([
    ["help", { kind: "help" }],
    ["  HELP  ", { kind: "help" }],
    ["devices", { kind: "devices" }],
    ["status Kitchen", { kind: "status", device: "kitchen" }],
    ["history kitchen", { kind: "history", device: "kitchen" }],
    ["kitchen temperature?", { kind: "read", device: "kitchen", channel: "temperature" }],
    ["kitchen temperature ?", { kind: "read", device: "kitchen", channel: "temperature" }],
    ["kitchen relay on", { kind: "switch", device: "kitchen", channel: "relay", on: true }],
    ["kitchen relay OFF", { kind: "switch", device: "kitchen", channel: "relay", on: false }],
    ["Kitchen Relay yes", { kind: "switch", device: "kitchen", channel: "relay", on: true }],
    ["kitchen relay 0", { kind: "switch", device: "kitchen", channel: "relay", on: false }],
    ["kitchen\tset  Target 21.5", { kind: "set", device: "kitchen", channel: "target", value: "21.5" }],
    ["kitchen set target 21.5", { kind: "set", device: "kitchen", channel: "target", value: "21.5" }],
    [
      "kitchen set label hello world",
      { kind: "set", device: "kitchen", channel: "label", value: "hello world" },
    ],
    ["claim kitchen ABCD-EFGH", { kind: "claim", device: "kitchen", key: "ABCD-EFGH" }],
    ["claim kitchen ABCD EFGH IJKL", { kind: "claim", device: "kitchen", key: "ABCDEFGHIJKL" }],
    ["claim ABCDEFGH", { kind: "mine", key: "ABCDEFGH" }],
    [
      "share kitchen with bob@example.org read",
      { kind: "share", device: "kitchen", jid: "bob@example.org", level: "read" },
    ],
    [
      "share kitchen bob@example.org CONTROL",
      { kind: "share", device: "kitchen", jid: "bob@example.org", level: "control" },
    ],
    [
      "share kitchen with xmpp:bob@example.org read",
      { kind: "share", device: "kitchen", jid: "bob@example.org", level: "read" },
    ],
    ["unshare kitchen bob@example.org", { kind: "unshare", device: "kitchen", jid: "bob@example.org" }],
    ["unshare kitchen from bob@example.org", { kind: "unshare", device: "kitchen", jid: "bob@example.org" }],
    ["disown kitchen", { kind: "disown", device: "kitchen" }],
  ])("%j", (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each([
    ["status", "status", "name one device"],
    ["status a b", "status", "name one device"],
    ["status Bad_Id", "status", '"Bad_Id" is not a device id'],
    ["devices now", "devices", "it takes no arguments"],
    ["claim", "claim", "give the device and its key"],
    ["claim not_an_id KEY", "claim", '"not_an_id" is not a device id'],
    ["share kitchen with bob@example.org", "share", "give the device, the JID and read or control"],
    ["share kitchen with bob@example.org admin", "share", "the level is read or control"],
    ["unshare kitchen", "unshare", "give the device and the JID"],
    ["disown", "disown", "name one device"],
    ["kitchen set target", "set", "give the channel and the value"],
    ["kitchen set Bad! 1", "set", '"Bad!" is not a channel'],
    ["kitchen 9lives?", "read", '"9lives" is not a channel'],
    ["kitchen re!ay on", "switch", '"re!ay" is not a channel'],
    ["help me", "help", "it takes no arguments"],
  ])("%j is a usage error of %s", (text, command, problem) => {
    expect(parseCommand(text)).toMatchObject({ kind: "usage", command, problem });
  });

  it.each([
    "",
    "   ",
    "hello there",
    "kitchen",
    "kitchen relay maybe",
    "kitchen ?",
    "kitchen status",
    "kitchen restart",
    "Wie_geht's?",
    "constructor",
    "__proto__ x",
  ])("%j is not understood", (text) => {
    expect(parseCommand(text)).toEqual({ kind: "unknown", text: text.trim() });
  });

  it("writes usage and help from the same table, device commands after <device>", () => {
    expect(usage("claim")).toBe("claim <device> <key>  or  claim <key>");
    expect(usage("share")).toBe("share <device> with <jid> read|control");
    expect(usage("unshare")).toBe("unshare <device> <jid>");
    expect(parseCommand("kitchen set target")).toEqual({
      kind: "usage",
      command: "set",
      usage: "<device> set <channel> <value>",
      problem: "give the channel and the value",
    });
    expect(parseCommand("kitchen 9lives?")).toMatchObject({ usage: "<device> <channel>?" });
    expect(HELP.split("\n")).toEqual([
      "Commands:",
      "devices — your devices and your access to each",
      "status <device> — availability and every channel",
      "history <device> [<page>] — commands, actuations and changes of ownership, newest first (owner only)",
      "<device> <channel>? — one channel's value",
      "<device> <channel> on|off — switch an actuator",
      "<device> set <channel> <value> — set an actuator",
      "<device> <channel> <range> — min, mean, max, last and a sparkline of its history; range 24h, 7d, 30d or from <when> to <when>",
      "claim <device> <key> — become the owner, with the key on the device's label",
      "claim <key> — the same, by the key alone",
      "share <device> with <jid> read|control — let someone read or control a device of yours",
      "unshare <device> <jid> — end a share",
      "disown <device> — give a device up; its shares end",
    ]);
  });
});
