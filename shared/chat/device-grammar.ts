/* References: docs/design.md §3 (chat commands to a device: `help`, `status`, `<channel>?`,
 * `<channel> on|off`, `set <channel> <value>`), XEP-0325 §3.1 (what a set carries).
 *
 * The device commands, as a table of shapes (grammar.ts). The agent answers all of them; the hub
 * answers `<device> <command>` for the ones it relays (hub/chat/parse.ts), with the same words.
 * Values stay text here: the device types them by its actuator (words.ts `parseValue`), the hub by
 * the device's meta (hub/control/values.ts). */
import { bool, type Parsed, parse, query, type Shape, shape, channel as slotChannel, text } from "./grammar";
import { OFF, ON, WORDS } from "./words";

/** Operations on the agent itself (agent/control/operations.ts). */
export type Operation = "restart" | "reload";

export type DeviceCommand =
  | { kind: "help" }
  | { kind: "status" }
  | { kind: "read"; channel: string }
  | { kind: "switch"; channel: string; on: boolean }
  | { kind: "set"; channel: string; value: string }
  | { kind: "operation"; op: Operation };

/** The commands about one channel, which the hub relays as `<device> <command>`. */
export type ChannelCommand = Extract<DeviceCommand, { kind: "read" | "switch" | "set" }>;

type Channel = { channel: string };
const NO_ARGS = "it takes no arguments";

export const HELP_SHAPE: Shape<DeviceCommand> = shape({
  command: "help",
  usage: WORDS.help,
  words: [WORDS.help],
  arity: NO_ARGS,
  build: () => ({ kind: "help" }),
});

export const STATUS_SHAPE: Shape<DeviceCommand> = shape({
  command: "status",
  usage: WORDS.status,
  help: "uptime, clock, and every channel",
  words: [WORDS.status],
  arity: NO_ARGS,
  build: () => ({ kind: "status" }),
});

/** `<channel>?`, `<channel> ?`, `<channel> on|off`, `set <channel> <value>`. */
export const CHANNEL_SHAPES: readonly Shape<ChannelCommand>[] = [
  shape<ChannelCommand, Channel>({
    command: "read",
    usage: `<channel>${WORDS.query}`,
    help: "one channel's value",
    words: [{ name: "channel", read: query }],
    build: ({ channel }) => ({ kind: "read", channel }),
  }),
  shape<ChannelCommand, Channel>({
    command: "read",
    usage: `<channel> ${WORDS.query}`,
    words: [{ name: "channel", read: slotChannel }, WORDS.query],
    build: ({ channel }) => ({ kind: "read", channel }),
  }),
  shape<ChannelCommand, Channel & { on: boolean }>({
    command: "switch",
    usage: `<channel> ${ON}|${OFF}`,
    help: "switch an actuator",
    words: [
      { name: "channel", read: slotChannel },
      { name: "on", read: bool },
    ],
    build: ({ channel, on }) => ({ kind: "switch", channel, on }),
  }),
  shape<ChannelCommand, Channel & { value: string }>({
    command: "set",
    usage: `${WORDS.set} <channel> <value>`,
    help: "set an actuator",
    words: [WORDS.set, { name: "channel", read: slotChannel }, { name: "value", read: text, rest: true }],
    arity: "give the channel and the value",
    build: ({ channel, value }) => ({ kind: "set", channel, value }),
  }),
];

/** `restart` and `reload [config]`, offered only where the agent can carry them out. */
export const OPERATION_SHAPES: readonly Shape<DeviceCommand>[] = [
  shape<DeviceCommand>({
    command: "restart",
    usage: WORDS.restart,
    help: "restart the agent",
    words: [WORDS.restart],
    arity: NO_ARGS,
    build: () => ({ kind: "operation", op: "restart" }),
  }),
  shape<DeviceCommand>({
    command: "reload",
    usage: WORDS.reload,
    help: "read the configuration again (restarts)",
    words: [WORDS.reload, { optional: WORDS.config }],
    arity: NO_ARGS,
    build: () => ({ kind: "operation", op: "reload" }),
  }),
];

/** Everything a device answers, in help order; `operations` adds restart and reload. */
export const deviceShapes = (operations = false): readonly Shape<DeviceCommand>[] => [
  HELP_SHAPE,
  STATUS_SHAPE,
  ...CHANNEL_SHAPES,
  ...(operations ? OPERATION_SHAPES : []),
];

export const parseDeviceCommand = (
  body: string,
  table: readonly Shape<DeviceCommand>[] = deviceShapes(true),
): Parsed<DeviceCommand> => parse(table, body);
