/* Runs chat commands for the person who sent them and answers each with exactly one reply.
 * References: DESIGN §3 (chat commands: the same permission check as the XEP form, exactly one
 * reply), XEP-0347 §3.5 (claim), XEP-0324 §3 (read and control permissions).
 *
 * Authority comes only from the message's routed `from`, reduced to its bare JID (local and
 * domain parts lower-cased); nothing in the text names who acts. Reading and control commands
 * check the sender's access and then answer that they are not available yet (the control
 * router adds them). */

import type { DeviceService } from "../devices/service";
import type { Clock } from "../devices/types";
import { normalizeJid } from "../pubsub/jids";
import { type ChatCommand, parseCommand } from "./parse";
import { deviceList, failureReply, HELP, notUnderstood, usageReply } from "./replies";

/** What the chat layer needs of the device service. */
export type ChatDevices = Pick<
  DeviceService,
  "claim" | "mine" | "share" | "unshare" | "disown" | "listDevices" | "roleOf" | "access"
>;

export interface ChatCommandsDeps {
  devices: ChatDevices;
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

export function createChatCommands({ devices, clock }: ChatCommandsDeps): ChatCommands {
  const refused = (failure: Parameters<typeof failureReply>[0], device?: string) =>
    failureReply(failure, clock.now(), device);

  /** Reading (`control` false) or control commands: access first, then "not available yet". */
  async function later(who: string, device: string, control: boolean, what: string): Promise<string> {
    const exists = await devices.access(device);
    if (!exists.ok) return refused(exists, device);
    const role = await devices.roleOf(device, who);
    if (role === "none") return `You have no access to ${device}.`;
    if (control && role === "read") return `You may read ${device} but not control it.`;
    return `${what} is not available yet.`;
  }

  const handlers: { [K in ChatCommand["kind"]]: Handler<K> } = {
    help: async () => HELP,
    devices: async (who) => {
      const list = await devices.listDevices(who);
      return list.ok ? deviceList(list.value) : refused(list);
    },
    status: (who, c) => later(who, c.device, false, "Status"),
    history: (who, c) => later(who, c.device, false, "History"),
    read: (who, c) => later(who, c.device, false, "Reading a channel"),
    switch: (who, c) => later(who, c.device, true, "Switching a channel"),
    set: (who, c) => later(who, c.device, true, "Setting a channel"),
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
      return r.ok ? `${r.value.jid} may now ${c.level} ${c.device}.` : refused(r, c.device);
    },
    unshare: async (who, c) => {
      const r = await devices.unshare(who, c.device, c.jid);
      if (r.ok) return `${c.jid.toLowerCase()} no longer has access to ${c.device}.`;
      return r.error === "item-not-found" ? `${c.device} is not shared with ${c.jid}.` : refused(r, c.device);
    },
    disown: async (who, c) => {
      const r = await devices.disown(who, c.device);
      return r.ok ? `${c.device} is no longer yours; its shares ended.` : refused(r, c.device);
    },
    usage: async (_who, c) => usageReply(c),
    unknown: async (_who, c) => notUnderstood(c.text),
  };

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
