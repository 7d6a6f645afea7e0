/* The hub's plain-text chat commands: text in, a typed command out.
 * References: docs/design.md §3 (chat commands to the hub), docs/design.md §2 (device ids, channel names).
 *
 * Grammar (shared/chat/grammar.ts; words are separated by any whitespace and ignore case):
 *   help | devices | status <device> | history <device> [<page>]
 *   <device> <device command>    for the device commands the hub relays: `<channel>?`,
 *                                `<channel> on|off`, `set <channel> <value…>` (shared/chat/device-grammar.ts)
 *   <device> <channel> <range>   a channel's readings from history: `24h`, `7d`, `from <when> [to <when>]`
 *                                (shared/chat/range.ts)
 *   claim <device> <key…> | claim <key>          (key words are joined: keys may be typed in groups)
 *   share <device> [with] <jid> read|control
 *   unshare <device> [from] <jid>
 *   disown <device>
 * Command words win over device ids: a device named `help` is reached as `help`'s argument only.
 * The text never carries authority: who speaks is the message's `from`, handled by dispatch.ts. */
import { CHANNEL_SHAPES, type ChannelCommand } from "../../shared/chat/device-grammar";
import {
  channel,
  delegate,
  deviceId,
  jid,
  joined,
  oneOf,
  type Parsed,
  parse,
  type Reader,
  type Shape,
  shape,
  usageOf,
} from "../../shared/chat/grammar";
import { type RangeWords, timeRange } from "../../shared/chat/range";
import { LEVELS, type Level, WORDS } from "../../shared/chat/words";

/** The device commands the hub relays, each with the device it names. */
export type RelayedCommand = ChannelCommand & { device: string };

export type HubCommand =
  | { kind: "help" }
  | { kind: "devices" }
  | { kind: "status"; device: string }
  | { kind: "history"; device: string; page?: number }
  | RelayedCommand
  | { kind: "trend"; device: string; channel: string; range: RangeWords }
  | { kind: "claim"; device: string; key: string }
  | { kind: "mine"; key: string }
  | { kind: "share"; device: string; jid: string; level: Level }
  | { kind: "unshare"; device: string; jid: string }
  | { kind: "disown"; device: string };

export type ChatCommand = Parsed<HubCommand>;

type Device = { device: string };
const DEVICE = { name: "device", read: deviceId } as const;
const NAME_ONE = "name one device";
const MAX_PAGE = 1000;

/** A page of a long reply: 1, 2, … */
const pageNumber: Reader<number> = (words) => {
  const w = words.length === 1 ? (words[0] as string) : "";
  const n = /^\d{1,4}$/.test(w) ? Number(w) : Number.NaN;
  return n >= 1 && n <= MAX_PAGE
    ? { ok: true, value: n }
    : { ok: false, problem: `"${w}" is not a page number` };
};

const noArgs = (kind: "help" | "devices", help?: string): Shape<HubCommand> =>
  shape({
    command: kind,
    usage: kind,
    help,
    words: [kind],
    arity: "it takes no arguments",
    build: () => ({ kind }),
  });

const oneDevice = (kind: "status" | "disown", help: string): Shape<HubCommand> =>
  shape<HubCommand, Device>({
    command: kind,
    usage: `${kind} <device>`,
    help,
    words: [kind, DEVICE],
    arity: NAME_ONE,
    build: ({ device }) => ({ kind, device }),
  });

const relayed = delegate<HubCommand, ChannelCommand, string>({
  command: "device",
  prefix: "<device>",
  head: deviceId,
  table: CHANNEL_SHAPES,
  wrap: (device, c) => ({ ...c, device }),
});

/** In help order. */
export const HUB_SHAPES: readonly Shape<HubCommand>[] = [
  noArgs("help"),
  noArgs("devices", "your devices and your access to each"),
  oneDevice("status", "availability and every channel"),
  shape<HubCommand, Device>({
    command: "history",
    usage: "history <device> [<page>]",
    help: "commands, actuations and changes of ownership, newest first (owner only)",
    words: ["history", DEVICE],
    arity: "name one device, and a page number if you like",
    build: ({ device }) => ({ kind: "history", device }),
  }),
  shape<HubCommand, Device & { page: number }>({
    command: "history",
    usage: "history <device> <page>",
    words: ["history", DEVICE, { name: "page", read: pageNumber }],
    arity: "name one device, and a page number if you like",
    build: ({ device, page }) => ({ kind: "history", device, page }),
  }),
  relayed,
  shape<HubCommand, Device & { channel: string; range: RangeWords }>({
    command: "trend",
    usage: "<device> <channel> <range>",
    help: "min, mean, max, last and a sparkline of its history; range 24h, 7d, 30d or from <when> to <when>",
    words: [DEVICE, { name: "channel", read: channel }, { name: "range", read: timeRange, rest: true }],
    arity: "give the device, the channel and a range such as 24h",
    build: ({ device, channel, range }) => ({ kind: "trend", device, channel, range }),
  }),
  shape<HubCommand, Device & { key: string }>({
    command: WORDS.claim,
    usage: "claim <device> <key>",
    help: "become the owner, with the key on the device's label",
    words: [WORDS.claim, DEVICE, { name: "key", read: joined, rest: true }],
    arity: "give the device and its key",
    build: ({ device, key }) => ({ kind: "claim", device, key }),
  }),
  shape<HubCommand, { key: string }>({
    command: WORDS.claim,
    usage: "claim <key>",
    help: "the same, by the key alone",
    words: [WORDS.claim, { name: "key", read: joined }],
    build: ({ key }) => ({ kind: "mine", key }),
  }),
  shape<HubCommand, Device & { jid: string; level: Level }>({
    command: WORDS.share,
    usage: `share <device> with <jid> ${LEVELS.join("|")}`,
    help: "let someone read or control a device of yours",
    words: [
      WORDS.share,
      DEVICE,
      { optional: WORDS.with },
      { name: "jid", read: jid },
      { name: "level", read: oneOf(LEVELS, `the level is ${LEVELS.join(" or ")}`) },
    ],
    arity: "give the device, the JID and read or control",
    build: ({ device, jid, level }) => ({ kind: "share", device, jid, level }),
  }),
  shape<HubCommand, Device & { jid: string }>({
    command: WORDS.unshare,
    usage: "unshare <device> <jid>",
    help: "end a share",
    words: [WORDS.unshare, DEVICE, { optional: WORDS.from }, { name: "jid", read: jid }],
    arity: "give the device and the JID",
    build: ({ device, jid }) => ({ kind: "unshare", device, jid }),
  }),
  oneDevice("disown", "give a device up; its shares end"),
];

/** How to write a command, for usage replies and hints. */
export const usage = (command: string): string => usageOf(HUB_SHAPES, command);

export const parseCommand = (text: string): ChatCommand => parse(HUB_SHAPES, text);
