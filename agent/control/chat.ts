/* Chat commands to the device, for people: `help`, `status`, `<channel>?`, `<channel> on|off`,
 * `set <channel> <value>` (and `restart`, `reload` where offered); exactly one plain-text reply
 * each, with the same permission check as XEP-0323/XEP-0325. The grammar, which messages are
 * commands, and the reply wording are shared with the hub (shared/chat/).
 * References: docs/design.md §3 (chat commands), RFC 6121 §5.2.2 (no reply to `error`, `groupchat`
 * or `headline`), XEP-0280 (carbons are copies, never commands), XEP-0203 (delayed delivery: a
 * command stored offline longer than control.chatTtlMs is refused), docs/design.md §2 (a command
 * is judged by the hub's clock, never before the offset to it is known: timing.ts; one stamped
 * in the future is refused). Authority comes from the outer, bare `from` only (authority.ts).
 * XEP-0184 receipts and XEP-0333 displayed markers (shared/chat/acknowledge.ts) go only to senders
 * who may read the device: XEP-0184 §8, a receipt must not tell others that the device is online. */
import type { Element } from "@xmpp/xml";
import type { Value } from "../../devices/types";
import { acknowledgements } from "../../shared/chat/acknowledge";
import { type DeviceCommand, deviceShapes } from "../../shared/chat/device-grammar";
import { helpLines, type Parsed, parse } from "../../shared/chat/grammar";
import { delayOf, isChatCommand, makeChatReply } from "../../shared/chat/message";
import * as reply from "../../shared/chat/replies";
import { suggest } from "../../shared/chat/suggest";
import { parseValue } from "../../shared/chat/words";
import type { Logger } from "../../shared/log";
import { parseCommandMeta } from "../../shared/xmpp/control";
import type { OpenChannel } from "../channels";
import type { Actuators } from "./actuators";
import { type Authority, bareJid } from "./authority";
import { type Operation, operationReply } from "./operations";
import { readFields } from "./readout";
import { FUTURE_TOLERANCE_MS, hubTime } from "./timing";

export interface ChatOptions {
  deviceId: string;
  channels: OpenChannel[];
  actuators: Actuators;
  allowed: Authority;
  chatTtlMs: number;
  /** One line of status (uptime, clock, connection). */
  status: () => string;
  send: (stanza: Element) => Promise<void>;
  log: Logger;
  /** The hub's clock, ms: a delay stamp is the server's time. Undefined while the offset to it is
   * not known; default the local clock (tests). */
  now?: () => number | undefined;
  /** Waits for the offset (AgentClock.whenKnown): a delayed message is held until then, at most
   * `clockHoldMs` (timing.ts). Absent: refused at once while the hub's time is unknown. */
  whenClockKnown?: (withinMs: number) => Promise<boolean>;
  clockHoldMs?: number;
  futureToleranceMs?: number;
  /** Carries out `restart` / `reload` once the reply is sent; absent: not offered. */
  operate?: (op: Operation, from: string) => void;
}

/** One command being answered: who sent it, and what runs after the reply has gone. */
interface Turn {
  o: ChatOptions;
  stanza: Element;
  from: string;
  after(action: () => void): unknown;
}

type Handler<K extends Parsed<DeviceCommand>["kind"]> = (
  t: Turn,
  c: Extract<Parsed<DeviceCommand>, { kind: K }>,
) => Promise<string> | string;

const HANDLERS: { [K in Parsed<DeviceCommand>["kind"]]: Handler<K> } = {
  help: ({ o }) => helpText(o),
  status: async ({ o }) => `${o.status()}\n${await describe(o, [])}`,
  read: async ({ o }, c) => (await describe(o, [c.channel])) || notRead(o, c.channel),
  switch: (t, c) => setChannel(t, c.channel, c.on),
  set: (t, c) => setChannel(t, c.channel, parseValue(c.value)),
  operation: ({ o, from, after }, c) => {
    const operate = o.operate;
    if (!operate) return reply.unknownCommand(c.op); // not offered: the table has no such shape then
    o.log.warn({ from, op: c.op }, "remote operation requested by chat");
    after(() => operate(c.op, from));
    return operationReply(c.op);
  },
  usage: (_t, c) => reply.usageReply(c),
  unknown: ({ o }, c) => reply.unknownCommand(c.text, suggest(deviceShapes(o.operate !== undefined), c.text)),
};

const CONTROLS: ReadonlySet<string> = new Set(["switch", "set", "operation"]);

export function chatHandler(o: ChatOptions): (stanza: Element) => Promise<void> {
  return async (stanza) => {
    if (!isChatCommand(stanza)) return;
    const acks = acknowledgements(stanza);
    if (acks.length > 0 && (await o.allowed.mayRead(stanza.attrs.from as string | undefined)))
      for (const ack of acks) await o.send(ack);
    const later: Array<() => void> = [];
    const from = bareJid(String(stanza.attrs.from));
    const text = await answer({ o, stanza, from, after: (action) => later.push(action) });
    await o.send(makeChatReply(stanza, text));
    for (const action of later) action();
  };
}

async function answer(t: Turn): Promise<string> {
  const { o, stanza } = t;
  const command = parse(deviceShapes(o.operate !== undefined), stanza.getChildText("body") ?? "");
  const who = stanza.attrs.from as string | undefined;
  const controls = CONTROLS.has(command.kind);
  if (!(await (controls ? o.allowed.mayControl(who) : o.allowed.mayRead(who)))) {
    o.log.warn({ from: who }, "chat command refused: not allowed");
    if (!controls) return reply.sentence(reply.noAccess(o.deviceId));
    return reply.refused(
      (await o.allowed.mayRead(who)) ? reply.readOnly(o.deviceId) : reply.noAccess(o.deviceId),
    );
  }
  const late = await tooLate(o, stanza);
  if (late !== undefined) return late;
  const handler = HANDLERS[command.kind] as Handler<typeof command.kind>;
  return handler(t, command);
}

/** A message from offline storage (XEP-0203 stamp), judged by the hub's clock once it is known:
 * the reply when it is not to run. */
async function tooLate(o: ChatOptions, stanza: Element): Promise<string | undefined> {
  if (delayOf(stanza, 0) === undefined) return undefined;
  const now = await hubTime({
    hubNow: o.now ?? Date.now,
    ...(o.whenClockKnown && { whenClockKnown: o.whenClockKnown }),
    ...(o.clockHoldMs !== undefined && { clockHoldMs: o.clockHoldMs }),
  });
  if (now === undefined) {
    o.log.warn({ from: stanza.attrs.from }, "delayed chat command refused: the hub's time is not known");
    return reply.refused(reply.clockUnknown());
  }
  const delay = delayOf(stanza, now) as number;
  if (delay > o.chatTtlMs) return reply.tooOld(delay);
  if (-delay > (o.futureToleranceMs ?? FUTURE_TOLERANCE_MS))
    return reply.refused(reply.issuedInFuture(-delay));
  return undefined;
}

async function setChannel({ o, stanza, from }: Turn, channel: string, value: Value): Promise<string> {
  const cmd = parseCommandMeta(stanza);
  if (cmd && !cmd.ok) return reply.refused(cmd.error.message);
  // `set relay 1` means on for a boolean actuator.
  const boolean = o.actuators.channel(channel)?.valueType === "boolean" && (value === 1 || value === 0);
  const result = await o.actuators.apply([{ channel, value: boolean ? value === 1 : value }], {
    from,
    via: "chat",
    ...(cmd?.ok ? { cmd: cmd.value } : {}),
  });
  if (!result.ok) {
    if (result.error !== "unknown-field") return reply.refused(result.message);
    return reply.refused(
      channelNames(o).includes(channel)
        ? reply.notAnActuator(channel)
        : reply.noChannel(o.deviceId, channel, channelNames(o)),
    );
  }
  if (result.ignored) return "Already done (same command id).";
  return result.applied.map((a) => reply.done(a.channel, a.value)).join("\n");
}

async function describe(o: ChatOptions, only: string[]): Promise<string> {
  const fields = await readFields(o.channels, o.log, only);
  return fields.map((f) => reply.readout(f.name, f.value, f.unit, f.quality)).join("\n");
}

const channelNames = (o: ChatOptions): string[] => o.channels.flatMap((c) => c.channels.map((ch) => ch.name));

/** A read that found no value: no such channel, or its driver did not answer. */
const notRead = (o: ChatOptions, channel: string): string =>
  reply.sentence(
    channelNames(o).includes(channel)
      ? `${o.deviceId} could not read ${channel} just now`
      : reply.noChannel(o.deviceId, channel, channelNames(o)),
    o.deviceId,
  );

function helpText(o: ChatOptions): string {
  const table = deviceShapes(o.operate !== undefined);
  const actuators = o.actuators.names().join(", ") || "none";
  return reply.helpText(helpLines(table), [
    `channels: ${channelNames(o).join(", ")}; actuators: ${actuators}`,
  ]);
}
