/* Runs chat commands for the person who sent them and answers each with exactly one reply.
 * References: docs/design.md §3 (chat commands: the same permission check as the XEP form, exactly one
 * reply), XEP-0347 §3.5 (claim), XEP-0324 §3 (read and control permissions).
 *
 * Authority comes only from the message's routed `from`, reduced to its bare JID (local and
 * domain parts lower-cased); nothing in the text names who acts. Reading and control commands
 * go to the control service (hub/control), which checks access itself and answers with one
 * definitive outcome. */

import { tokenize } from "../../shared/chat/grammar";
import type { RangeWords } from "../../shared/chat/range";
import { noChannel, noDevice, sentence, unknownCommand, usageReply } from "../../shared/chat/replies";
import { suggest } from "../../shared/chat/suggest";
import { booleanWord } from "../../shared/chat/words";
import type { Clock } from "../../shared/clock";
import { normalizeJid } from "../../shared/jid";
import { isChannelName, isDeviceId } from "../../shared/model";
import type { DeviceService } from "../devices/service";
import { type ChatCommand, HUB_SHAPES, parseCommand } from "./parse";
import { deviceList, failureReply, HELP } from "./replies";

/** What the chat layer needs of the device service. */
export type ChatDevices = Pick<
  DeviceService,
  "claim" | "mine" | "share" | "unshare" | "disown" | "listDevices" | "roleOf" | "access"
>;

/** Reading and control commands, each answered with one reply text (hub/control/chat.ts). */
export interface ChatControl {
  /** A device's availability for the devices list: `online`, `offline since 16:02:11Z`. */
  availability(device: string): string;
  /** The channels of a device `who` may read; undefined when they may not, or none are known. */
  channels(who: string, device: string): Promise<string[] | undefined>;
  status(who: string, device: string): Promise<string>;
  /** `page` 1 is the newest. */
  history(who: string, device: string, page?: number): Promise<string>;
  read(who: string, device: string, channel: string): Promise<string>;
  /** A channel's readings over a range, from telemetry history (hub/history/chat-trend.ts). */
  trend(who: string, device: string, channel: string, range: RangeWords): Promise<string>;
  set(who: string, device: string, channel: string, value: string): Promise<string>;
}

export interface ChatCommandsDeps {
  devices: ChatDevices;
  control: ChatControl;
  clock: Clock;
}

export interface ChatCommands {
  /** One reply for one message body from `from` (the routed sender's JID). */
  handle(from: string, text: string): Promise<string>;
}

type Handler<K extends ChatCommand["kind"]> = (
  who: string,
  command: Extract<ChatCommand, { kind: K }>,
) => Promise<string>;

export function createChatCommands({ devices, control, clock }: ChatCommandsDeps): ChatCommands {
  const refused = (failure: Parameters<typeof failureReply>[0], device?: string) =>
    failureReply(failure, clock.now(), device);
  /** An owner's command refused: to someone who cannot see the device, worded as absent. */
  const notOwner = async (who: string, failure: Parameters<typeof failureReply>[0], device: string) =>
    failure.error === "forbidden" && (await devices.roleOf(device, who)) === "none"
      ? sentence(noDevice(device))
      : refused(failure, device);

  const handlers: { [K in ChatCommand["kind"]]: Handler<K> } = {
    help: async () => HELP,
    devices: async (who) => {
      const list = await devices.listDevices(who);
      return list.ok ? deviceList(list.value, control.availability) : refused(list);
    },
    status: (who, c) => control.status(who, c.device),
    history: (who, c) => control.history(who, c.device, c.page),
    read: (who, c) => control.read(who, c.device, c.channel),
    trend: (who, c) => control.trend(who, c.device, c.channel, c.range),
    switch: (who, c) => control.set(who, c.device, c.channel, booleanWord(c.on)),
    set: (who, c) => control.set(who, c.device, c.channel, c.value),
    claim: async (who, c) => {
      const r = await devices.claim(who, c.device, c.key);
      if (!r.ok) return refused(r, c.device);
      return r.value.alreadyOwner ? `${c.device} is already yours.` : `${c.device} is yours now.`;
    },
    mine: async (who, c) => {
      const r = await devices.mine(who, c.key);
      return r.ok ? `${r.value.deviceId} is yours now.` : refused(r);
    },
    share: async (who, c) => {
      const r = await devices.share(who, c.device, c.jid, c.level);
      return r.ok ? `${r.value.jid} may now ${c.level} ${c.device}.` : notOwner(who, r, c.device);
    },
    unshare: async (who, c) => {
      const r = await devices.unshare(who, c.device, c.jid);
      if (r.ok) return `${c.jid.toLowerCase()} no longer has access to ${c.device}.`;
      return r.error === "item-not-found"
        ? `${c.device} is not shared with ${c.jid}.`
        : notOwner(who, r, c.device);
    },
    disown: async (who, c) => {
      const r = await devices.disown(who, c.device);
      return r.ok ? `${c.device} is no longer yours; its shares ended.` : notOwner(who, r, c.device);
    },
    usage: async (_who, c) => usageReply(c),
    unknown: (who, c) => notUnderstood(who, c.text),
  };

  /** Text that is no command: the command one slip away; or `<device> <word>` where the word
   * is no channel of a device the person can see, answered with its channels. */
  async function notUnderstood(who: string, text: string): Promise<string> {
    const suggestion = suggest(HUB_SHAPES, text);
    if (suggestion !== undefined) return unknownCommand(text, suggestion);
    const words = tokenize(text);
    const [device, channel] = words.map((w) => w.toLowerCase());
    if (words.length === 2 && device && channel && isDeviceId(device) && isChannelName(channel)) {
      const channels = await control.channels(who, device);
      if (channels?.includes(channel)) return control.read(who, device, channel);
      if (channels) return sentence(noChannel(device, channel, channels), device);
    }
    return unknownCommand(text);
  }

  return {
    async handle(from, text) {
      const who = normalizeJid(from)?.bare;
      if (who === undefined) return "I could not tell who you are.";
      const command = parseCommand(text);
      const handler = handlers[command.kind] as Handler<typeof command.kind>;
      return handler(who, command);
    },
  };
}
