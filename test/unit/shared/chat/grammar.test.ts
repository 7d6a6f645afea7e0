import { describe, expect, it } from "vitest";
import {
  bool,
  channel,
  delegate,
  deviceId,
  helpLines,
  jid,
  joined,
  oneOf,
  parse,
  parseWords,
  query,
  type Shape,
  shape,
  text,
  tokenize,
  usageOf,
} from "../../../../shared/chat/grammar";

type Cmd =
  | { kind: "greet"; who: string; mood: "warm" | "cold" }
  | { kind: "say"; words: string }
  | { kind: "key"; key: string }
  | { kind: "flag"; name: string; on: boolean };

const TABLE: readonly Shape<Cmd>[] = [
  shape<Cmd, { who: string; mood: "warm" | "cold" }>({
    command: "greet",
    usage: "greet <jid> warm|cold",
    help: "say hello",
    words: [
      "greet",
      { optional: "to" },
      { name: "who", read: jid },
      { name: "mood", read: oneOf(["warm", "cold"] as const, "the mood is warm or cold") },
    ],
    arity: "give the JID and the mood",
    build: ({ who, mood }) => ({ kind: "greet", who, mood }),
  }),
  shape<Cmd, { words: string }>({
    command: "say",
    usage: "say <text>",
    help: "say something",
    words: ["say", { name: "words", read: text, rest: true }],
    arity: "say what",
    build: ({ words }) => ({ kind: "say", words }),
  }),
  shape<Cmd, { key: string }>({
    command: "key",
    usage: "key <key…>",
    words: ["key", { name: "key", read: joined, rest: true }],
    build: ({ key }) => ({ kind: "key", key }),
  }),
  shape<Cmd, { name: string; on: boolean }>({
    command: "flag",
    usage: "<channel> on|off",
    help: "flip it",
    words: [
      { name: "name", read: channel },
      { name: "on", read: bool },
    ],
    build: ({ name, on }) => ({ kind: "flag", name, on }),
  }),
];

describe("the chat grammar engine", () => {
  it("splits on any whitespace and ignores the ends", () => {
    expect(tokenize("  a\tb \n c  ")).toEqual(["a", "b", "c"]);
    expect(tokenize("   ")).toEqual([]);
  });

  it("matches command words in any case, with filler words optional", () => {
    expect(parse(TABLE, "GREET to xmpp:bob@x WARM")).toEqual({ kind: "greet", who: "bob@x", mood: "warm" });
    expect(parse(TABLE, "greet bob@x cold")).toEqual({ kind: "greet", who: "bob@x", mood: "cold" });
    expect(parse(TABLE, "say  hello   world")).toEqual({ kind: "say", words: "hello world" });
    expect(parse(TABLE, "key AB CD EF")).toEqual({ kind: "key", key: "ABCDEF" });
    expect(parse(TABLE, "Lamp ON")).toEqual({ kind: "flag", name: "lamp", on: true });
  });

  it("answers a recognised command with the wrong words with its problem and usage", () => {
    expect(parse(TABLE, "greet bob@x")).toEqual({
      kind: "usage",
      command: "greet",
      usage: "greet <jid> warm|cold",
      problem: "give the JID and the mood",
    });
    expect(parse(TABLE, "greet bob@x hot")).toMatchObject({ problem: "the mood is warm or cold" });
    expect(parse(TABLE, "say")).toMatchObject({ command: "say", problem: "say what" });
    expect(parse(TABLE, "key")).toMatchObject({ command: "key", problem: "the words do not fit" });
    expect(parse(TABLE, "9lamp on")).toMatchObject({ command: "flag", problem: '"9lamp" is not a channel' });
  });

  it("does not understand words that fit no shape", () => {
    expect(parse(TABLE, "lamp maybe")).toEqual({ kind: "unknown", text: "lamp maybe" });
    expect(parse(TABLE, "  hello  ")).toEqual({ kind: "unknown", text: "hello" });
    expect(parse(TABLE, "")).toEqual({ kind: "unknown", text: "" });
    expect(parseWords(TABLE, ["nothing"])).toBeUndefined();
  });

  it("prefers a bad value over a wrong number of words, and command words over values", () => {
    const two: readonly Shape<Cmd>[] = [
      shape<Cmd, { key: string }>({
        command: "key",
        usage: "key <device> <key>",
        help: "long",
        words: ["key", { name: "key", read: deviceId }, { name: "key", read: joined, rest: true }],
        arity: "give the device and the key",
        build: ({ key }) => ({ kind: "key", key }),
      }),
      shape<Cmd, { key: string }>({
        command: "key",
        usage: "key <key>",
        help: "short",
        words: ["key", { name: "key", read: joined }],
        build: ({ key }) => ({ kind: "key", key }),
      }),
      ...TABLE.filter((s) => s.command !== "key"),
    ];
    expect(parse(two, "key")).toMatchObject({ problem: "give the device and the key" });
    expect(parse(two, "key Bad_Id K")).toMatchObject({ problem: '"Bad_Id" is not a device id' });
    expect(parse(two, "key K")).toEqual({ kind: "key", key: "K" });
    expect(parse(two, "key on")).toEqual({ kind: "key", key: "on" });
    expect(usageOf(two, "key")).toBe("key <device> <key>  or  key <key>");
  });

  it("hands the rest of the words to another table after a head word", () => {
    const outer = [
      delegate<{ at: string; cmd: Cmd }, Cmd, string>({
        command: "at",
        prefix: "<device>",
        head: deviceId,
        table: TABLE,
        wrap: (at, cmd) => ({ at, cmd }),
      }),
    ];
    expect(parse(outer, "Kitchen lamp off")).toEqual({
      at: "kitchen",
      cmd: { kind: "flag", name: "lamp", on: false },
    });
    expect(parse(outer, "kitchen say")).toEqual({
      kind: "usage",
      command: "say",
      usage: "<device> say <text>",
      problem: "say what",
    });
    expect(parse(outer, "kitchen")).toEqual({ kind: "unknown", text: "kitchen" });
    expect(parse(outer, "Bad_Id lamp off")).toEqual({ kind: "unknown", text: "Bad_Id lamp off" });
    expect(parse(outer, "kitchen dance")).toEqual({ kind: "unknown", text: "kitchen dance" });
    expect(helpLines(outer).map((l) => l.usage)).toEqual([
      "<device> greet <jid> warm|cold",
      "<device> say <text>",
      "<device> <channel> on|off",
    ]);
  });

  it("reads slots", () => {
    expect(query(["relay?"])).toEqual({ ok: true, value: "relay" });
    expect(query(["?"])).toEqual({ ok: false });
    expect(query(["relay"])).toEqual({ ok: false });
    expect(channel(["Relay"])).toEqual({ ok: true, value: "relay" });
    expect(deviceId(["Kitchen-1"])).toEqual({ ok: true, value: "kitchen-1" });
    expect(bool(["maybe"])).toEqual({ ok: false });
    expect(bool(["a", "b"])).toEqual({ ok: false });
  });
});
