/* The short texts the hub answers chat commands with. */
import type { DeviceListing } from "../devices/service-access";
import type { Fail } from "../devices/types";
import { type ChatCommand, USAGE } from "./parse";

export const HELP = [
  "Commands:",
  "devices: your devices",
  "status <device> | history <device>",
  "<device> <channel>? | <device> <channel> on|off | <device> set <channel> <value>",
  "claim <device> <key> (or claim <key>)",
  "share <device> with <jid> read|control | unshare <device> <jid> | disown <device>",
].join("\n");

export const notUnderstood = (text: string): string =>
  text === ""
    ? "Send help for the list of commands."
    : `I don't understand "${text}". Send help for the list of commands.`;

export const usageReply = (c: Extract<ChatCommand, { kind: "usage" }>): string =>
  `${capitalise(c.problem)}. Usage: ${c.usage}`;

export function deviceList(devices: DeviceListing[]): string {
  if (devices.length === 0) return `You have no devices. Claim one with: ${USAGE.claim.split("  ")[0]}`;
  return `Your devices: ${devices.map((d) => `${d.id} (${d.role})`).join(", ")}`;
}

/** "12 s", "5 min", "1 h 5 min": rounded up, so the user never retries too early. */
export function duration(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

/** A refused command as one sentence. `device` is the device the command named, if any. */
export function failureReply(failure: Fail, now: number, device?: string): string {
  switch (failure.error) {
    case "locked-out":
      return `Too many wrong keys. Try again in ${duration((failure.retryAt ?? now) - now)}.`;
    case "not-authorized":
      return device ? `That key does not claim ${device}.` : "No device has that key.";
    case "item-not-found":
      return device ? `No device ${device}.` : capitalise(`${failure.detail ?? "not found"}.`);
    case "forbidden":
      return device ? `You don't own ${device}.` : "You may not do that.";
    case "bad-request":
    case "not-acceptable":
      return capitalise(`${failure.detail ?? "that request is not valid"}.`);
    case "conflict":
      return capitalise(`${failure.detail ?? "that conflicts with the current state"}.`);
  }
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
