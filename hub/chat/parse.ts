/* The hub's plain-text chat commands: text in, a typed command out.
 * References: docs/design.md §3 (chat commands to the hub), docs/design.md §2 (device ids, channel names).
 *
 * Grammar (words are separated by any whitespace; command words and device ids ignore case):
 *   help | devices | status <device> | history <device>
 *   <device> <channel>?            (also `<device> <channel> ?`)
 *   <device> <channel> on|off
 *   <device> set <channel> <value…>
 *   claim <device> <key…> | claim <key>          (key words are joined: keys may be typed in groups)
 *   share <device> [with] <jid> read|control
 *   unshare <device> [from] <jid>
 *   disown <device>
 * Command words win over device ids: a device named `help` is reached as `help`'s argument only.
 * The text never carries authority: who speaks is the message's `from`, handled by dispatch.ts. */
import { CHANNEL_RE, DEVICE_ID_RE } from "../../shared/model";

export type ChatCommand =
  | { kind: "help" }
  | { kind: "devices" }
  | { kind: "status"; device: string }
  | { kind: "history"; device: string }
  | { kind: "read"; device: string; channel: string }
  | { kind: "switch"; device: string; channel: string; on: boolean }
  | { kind: "set"; device: string; channel: string; value: string }
  | { kind: "claim"; device: string; key: string }
  | { kind: "mine"; key: string }
  | { kind: "share"; device: string; jid: string; level: "read" | "control" }
  | { kind: "unshare"; device: string; jid: string }
  | { kind: "disown"; device: string }
  /** A known command word with the wrong arguments. */
  | { kind: "usage"; command: string; usage: string; problem: string }
  /** Not a command: "don't understand, try help". */
  | { kind: "unknown"; text: string };

export const USAGE = {
  help: "help",
  devices: "devices",
  status: "status <device>",
  history: "history <device>",
  read: "<device> <channel>?",
  switch: "<device> <channel> on|off",
  set: "<device> set <channel> <value>",
  claim: "claim <device> <key>  or  claim <key>",
  share: "share <device> with <jid> read|control",
  unshare: "unshare <device> <jid>",
  disown: "disown <device>",
} as const;

type Parser = (args: string[]) => ChatCommand;

const usage = (command: keyof typeof USAGE, problem: string): ChatCommand => ({
  kind: "usage",
  command,
  usage: USAGE[command],
  problem,
});

/** A device id as typed (case ignored), or undefined when it cannot be one. */
const deviceId = (word: string | undefined): string | undefined => {
  const id = word?.toLowerCase();
  return id !== undefined && DEVICE_ID_RE.test(id) ? id : undefined;
};

/** A JID as typed, without an `xmpp:` prefix clients may add to links. */
const jidArg = (word: string): string => word.replace(/^xmpp:/i, "");

function oneDevice(command: "status" | "history" | "disown"): Parser {
  return (args) => {
    if (args.length !== 1) return usage(command, "name one device");
    const device = deviceId(args[0]);
    return device ? { kind: command, device } : usage(command, `"${args[0]}" is not a device id`);
  };
}

const noArgs =
  (command: "help" | "devices"): Parser =>
  (args) =>
    args.length === 0 ? { kind: command } : usage(command, "it takes no arguments");

const parseClaim: Parser = (args) => {
  if (args.length === 0) return usage("claim", "give the device and its key");
  if (args.length === 1) return { kind: "mine", key: args[0] as string };
  const device = deviceId(args[0]);
  if (!device) return usage("claim", `"${args[0]}" is not a device id`);
  return { kind: "claim", device, key: args.slice(1).join("") };
};

const parseShare: Parser = (args) => {
  const words = args[1]?.toLowerCase() === "with" ? [args[0], ...args.slice(2)] : args;
  if (words.length !== 3) return usage("share", "give the device, the JID and read or control");
  const device = deviceId(words[0]);
  if (!device) return usage("share", `"${words[0]}" is not a device id`);
  const level = words[2]?.toLowerCase();
  if (level !== "read" && level !== "control") return usage("share", "the level is read or control");
  return { kind: "share", device, jid: jidArg(words[1] as string), level };
};

const parseUnshare: Parser = (args) => {
  const words = args[1]?.toLowerCase() === "from" ? [args[0], ...args.slice(2)] : args;
  if (words.length !== 2) return usage("unshare", "give the device and the JID");
  const device = deviceId(words[0]);
  if (!device) return usage("unshare", `"${words[0]}" is not a device id`);
  return { kind: "unshare", device, jid: jidArg(words[1] as string) };
};

const COMMANDS: Readonly<Record<string, Parser>> = {
  help: noArgs("help"),
  devices: noArgs("devices"),
  status: oneDevice("status"),
  history: oneDevice("history"),
  claim: parseClaim,
  share: parseShare,
  unshare: parseUnshare,
  disown: oneDevice("disown"),
};

/** `<device> …` commands; undefined when the words are not one. */
function parseDeviceCommand(device: string, args: string[]): ChatCommand | undefined {
  const [first, second, ...rest] = args;
  if (first === undefined) return undefined;
  const channel = (name: string | undefined, command: "read" | "switch" | "set") =>
    name !== undefined && CHANNEL_RE.test(name)
      ? undefined
      : usage(command, `"${name ?? ""}" is not a channel`);
  if (first.toLowerCase() === "set") {
    if (second === undefined || rest.length === 0) return usage("set", "give the channel and the value");
    return channel(second, "set") ?? { kind: "set", device, channel: second, value: rest.join(" ") };
  }
  if (args.length === 1 && first.endsWith("?")) {
    const name = first.slice(0, -1);
    return channel(name, "read") ?? { kind: "read", device, channel: name };
  }
  if (args.length === 2 && second === "?")
    return channel(first, "read") ?? { kind: "read", device, channel: first };
  const state = second?.toLowerCase();
  if (args.length === 2 && (state === "on" || state === "off")) {
    return channel(first, "switch") ?? { kind: "switch", device, channel: first, on: state === "on" };
  }
  return undefined;
}

export function parseCommand(text: string): ChatCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [head, ...args] = words;
  if (head === undefined) return { kind: "unknown", text: "" };
  const verb = head.toLowerCase();
  const parser = Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb] : undefined;
  if (parser) return parser(args);
  const device = deviceId(head);
  const command = device === undefined ? undefined : parseDeviceCommand(device, args);
  return command ?? { kind: "unknown", text: text.trim().slice(0, 100) };
}
