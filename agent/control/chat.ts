/* Chat commands to the device, for people: `help`, `status`, `<channel>?`, `<channel> on|off`,
 * `set <channel> <value>`; exactly one plain-text reply each, with the same permission check as
 * XEP-0323/XEP-0325.
 * References: docs/design.md §3 (chat commands), RFC 6121 §5.2.2 (message types: no reply to `error`,
 * `groupchat` or `headline`), XEP-0280 (carbons are copies, never commands), XEP-0203 (delayed
 * delivery: a command stored offline longer than control.chatTtlMs is refused). Authority comes
 * from the outer, bare `from` only (authority.ts). */
import xml, { type Element } from "@xmpp/xml";
import type { Value } from "../../devices/types";
import type { Logger } from "../../shared/log";
import { parseCommandMeta } from "../../shared/xmpp/control";
import { NS_CARBONS, NS_DELAY, NS_FORWARD, NS_XIOT_CHAT_REPLY } from "../../shared/xmpp/ns";
import type { OpenChannel } from "../channels";
import type { Actuators } from "./actuators";
import { type Authority, bareJid } from "./authority";
import { type Operation, operationReply, parseChatOperation } from "./operations";
import { readFields } from "./readout";

export type ChatCommand =
  | { kind: "help" }
  | { kind: "status" }
  | { kind: "read"; channel: string }
  | { kind: "set"; channel: string; value: Value }
  | { kind: "operation"; op: Operation }
  | { kind: "unknown"; text: string };

const TRUE_WORDS = ["on", "true", "1", "yes"];
const FALSE_WORDS = ["off", "false", "0", "no"];

export function parseChatValue(word: string): Value {
  const w = word.toLowerCase();
  if (TRUE_WORDS.includes(w) && w !== "1") return true;
  if (FALSE_WORDS.includes(w) && w !== "0") return false;
  const n = Number(word);
  return word.trim() !== "" && Number.isFinite(n) ? n : word;
}

export function parseChatCommand(body: string): ChatCommand {
  const op = parseChatOperation(body);
  if (op) return { kind: "operation", op };
  const words = body.trim().split(/\s+/);
  const [first = "", second, third, ...rest] = words;
  const lower = first.toLowerCase();
  if (words.length === 1 && lower === "help") return { kind: "help" };
  if (words.length === 1 && lower === "status") return { kind: "status" };
  if (words.length === 1 && lower.endsWith("?") && lower.length > 1)
    return { kind: "read", channel: lower.slice(0, -1) };
  if (
    words.length === 2 &&
    second &&
    (TRUE_WORDS.includes(second.toLowerCase()) || FALSE_WORDS.includes(second.toLowerCase()))
  )
    return { kind: "set", channel: lower, value: TRUE_WORDS.includes(second.toLowerCase()) };
  if (lower === "set" && second && third !== undefined && rest.length === 0)
    return { kind: "set", channel: second.toLowerCase(), value: parseChatValue(third) };
  return { kind: "unknown", text: body.trim().slice(0, 64) };
}

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
  now?: () => number;
  /** Carries out `restart` / `reload` once the reply is sent; absent: not offered. */
  operate?: (op: Operation, from: string) => void;
}

/** Whether a message is a chat command for us at all (and not a copy, an error or a notification). */
export function isChatCommand(stanza: Element): boolean {
  if (!stanza.is("message")) return false;
  const type = stanza.attrs.type ?? "normal";
  if (type !== "chat" && type !== "normal") return false;
  if (stanza.getChild("received", NS_CARBONS) || stanza.getChild("sent", NS_CARBONS)) return false;
  // Another device's reply: answering it could start an endless exchange between two devices.
  if (stanza.getChild("reply", NS_XIOT_CHAT_REPLY)) return false;
  if (stanza.getChild("forwarded", NS_FORWARD) && !stanza.getChildText("body")) return false;
  return typeof stanza.getChildText("body") === "string";
}

export function chatHandler(o: ChatOptions): (stanza: Element) => Promise<void> {
  return async (stanza) => {
    if (!isChatCommand(stanza)) return;
    const from = stanza.attrs.from as string | undefined;
    let after: (() => void) | undefined;
    const text = await answer(o, stanza, from, (action) => {
      after = action;
    });
    const reply = xml(
      "message",
      { to: from, type: stanza.attrs.type ?? "chat" },
      xml("body", {}, text),
      xml("reply", { xmlns: NS_XIOT_CHAT_REPLY }),
    );
    if (stanza.attrs.id) reply.attrs.id = `${stanza.attrs.id}-reply`;
    await o.send(reply);
    after?.();
  };
}

async function answer(
  o: ChatOptions,
  stanza: Element,
  from: string | undefined,
  afterReply: (action: () => void) => void,
): Promise<string> {
  const command = parseChatCommand(stanza.getChildText("body") ?? "");
  const controls = command.kind === "set" || command.kind === "operation";
  const permitted = controls ? o.allowed.mayControl(from) : o.allowed.mayRead(from);
  if (!(await permitted)) {
    o.log.warn({ from }, "chat command refused: not allowed");
    return controls
      ? "Not allowed: you may not control this device."
      : "Not allowed: you may not read or control this device.";
  }
  const stamp = stanza.getChild("delay", NS_DELAY)?.attrs.stamp;
  const sent = typeof stamp === "string" ? Date.parse(stamp) : Number.NaN;
  if (Number.isFinite(sent) && (o.now ?? Date.now)() - sent > o.chatTtlMs)
    return "Refused: this command was delivered too late (it waited offline); send it again.";
  switch (command.kind) {
    case "help":
      return helpText(o);
    case "status":
      return `${o.status()}\n${await describe(o, [])}`;
    case "read":
      return (await describe(o, [command.channel])) || `Unknown channel "${command.channel}". Send "help".`;
    case "set":
      return setChannel(o, stanza, bareJid(from as string), command.channel, command.value);
    case "operation": {
      const operate = o.operate;
      if (!operate) return `Unknown command "${command.op}". Send "help" for the list.`;
      o.log.warn({ from, op: command.op }, "remote operation requested by chat");
      afterReply(() => operate(command.op, bareJid(from as string)));
      return operationReply(command.op);
    }
    case "unknown":
      return `Unknown command "${command.text}". Send "help" for the list.`;
  }
}

async function setChannel(
  o: ChatOptions,
  stanza: Element,
  from: string,
  channel: string,
  value: Value,
): Promise<string> {
  const cmd = parseCommandMeta(stanza);
  if (cmd && !cmd.ok) return `Refused: ${cmd.error.message}`;
  // `set relay 1` means on for a boolean actuator.
  const boolean = o.actuators.channel(channel)?.valueType === "boolean" && (value === 1 || value === 0);
  const result = await o.actuators.apply([{ channel, value: boolean ? value === 1 : value }], {
    from,
    via: "chat",
    ...(cmd?.ok ? { cmd: cmd.value } : {}),
  });
  if (!result.ok) {
    if (result.error === "unknown-field")
      return `Unknown actuator "${channel}" (actuators: ${o.actuators.names().join(", ") || "none"}).`;
    return `Refused: ${result.message}`;
  }
  if (result.ignored)
    return `Already done (${result.ignored === "duplicate" ? "same command id" : "a newer command was applied"}).`;
  return result.applied.map((a) => `${a.channel}: ${formatValue(a.value)}`).join("\n");
}

async function describe(o: ChatOptions, only: string[]): Promise<string> {
  const fields = await readFields(o.channels, o.log, only);
  return fields
    .map(
      (f) =>
        `${f.name}: ${formatValue(f.value)}${f.unit && typeof f.value === "number" ? ` ${f.unit}` : ""}${f.quality ? ` (${f.quality})` : ""}`,
    )
    .join("\n");
}

const formatValue = (v: Value): string => (v === true ? "on" : v === false ? "off" : String(v));

function helpText(o: ChatOptions): string {
  const channels = o.channels.flatMap((c) => c.channels.map((ch) => ch.name));
  return [
    `${o.deviceId} understands:`,
    "help — this list",
    "status — uptime, clock, and every channel",
    "<channel>? — one channel's value",
    "<channel> on|off — switch an actuator",
    "set <channel> <value> — set an actuator",
    ...(o.operate ? ["restart — restart the agent", "reload — read the configuration again (restarts)"] : []),
    `channels: ${channels.join(", ")}; actuators: ${o.actuators.names().join(", ") || "none"}`,
  ].join("\n");
}
