/* References: docs/design.md §3 (short plain-text replies, exactly one per command).
 *
 * The wording of chat replies, the same at the hub and at the device for the same thing. The
 * subject of a reply is what the command named: `kitchen relay` at the hub, `relay` at the device
 * (which is the device being talked to). Reasons are lower-case clauses (`you have no access to
 * kitchen`) that replies turn into sentences; the hub's control service and the agent use the
 * same ones. */

import { formatValue } from "../format";
import type { HelpLine, Usage } from "./grammar";
import { WORDS } from "./words";

export type ChatValue = boolean | number | string;

/** Values read the same in every reply, the status table and the dashboard (shared/format.ts). */
export { formatNumber, formatValue } from "../format";

/** One channel's value: `kitchen temperature: 21.5 °C (estimated)`. */
export const readout = (subject: string, v: ChatValue, unit?: string, quality?: string): string =>
  `${subject}: ${formatValue(v, unit)}${quality ? ` (${quality})` : ""}`;

/** A switch or set that took effect: `Done: kitchen relay is on.` */
export const done = (subject: string, v: ChatValue): string => `Done: ${subject} is ${formatValue(v)}.`;

export const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const clause = (reason: string): string => reason.trim().replace(/[.\s]+$/, "");

/** A reason as a sentence; a device id at its start keeps its spelling. */
export const sentence = (reason: string, device?: string): string =>
  device !== undefined && reason.startsWith(device) ? `${clause(reason)}.` : `${capitalise(clause(reason))}.`;

/** A command that was not carried out, and why: `Refused: you may read kitchen but not control it.` */
export const refused = (reason: string): string => `Refused: ${clause(reason)}.`;

// Reasons, as clauses.
/** At the hub, a device that does not exist and one the person may not see read the same, so that
 * nobody learns which device ids exist (docs/design.md §6, one access rule). */
export const noDevice = (device: string): string => `no device ${device} that you can see`;
/** At a device (the person is talking to it, so it exists). */
export const noAccess = (device: string): string => `you have no access to ${device}`;
export const readOnly = (device: string): string => `you may read ${device} but not control it`;
/** A channel the device lacks; with the ones it has, when they are known. */
export const noChannel = (device: string, channel: string, channels: readonly string[] = []): string =>
  `${device} has no channel "${channel}"${channels.length > 0 ? `; its channels: ${channels.join(", ")}` : ""}`;
export const notAnActuator = (channel: string): string => `${channel} is a sensor, not an actuator`;
/** docs/design.md §2: a command with a time is never judged before the offset to the hub's clock is known. */
export const clockUnknown = (): string =>
  "the device does not know the hub's time yet, so it cannot tell whether the command is still valid; nothing moved, send it again in a moment";
/** docs/design.md §2: a command whose time lies ahead of the hub's clock (beyond a small tolerance). */
export const issuedInFuture = (aheadMs: number): string =>
  `the command is dated ${duration(aheadMs)} in the future by the hub's clock; nothing moved`;
/** docs/design.md §2: a lower `seq` than the last applied for the channel from the same sender. */
export const superseded = (channel: string): string =>
  `a newer command for ${channel} was applied first; this one was not applied`;

const TRY_HELP = `Send ${WORDS.help} for the list of commands.`;

/** Text that is no command; with the command one slip away from it (suggest.ts), that one. */
export const unknownCommand = (text: string, suggestion?: string): string => {
  if (suggestion !== undefined) return `Did you mean "${suggestion}"?`;
  return text === "" ? TRY_HELP : `I don't understand "${text}". ${TRY_HELP}`;
};

/** A known command with the wrong arguments. */
export const usageReply = (u: Usage): string => `${capitalise(clause(u.problem))}. Usage: ${u.usage}`;

/** The help text: a title, one line per command, then anything the speaker adds (its channels). */
export const helpText = (lines: readonly HelpLine[], footer: readonly string[] = []): string =>
  ["Commands:", ...lines.map((l) => `${l.usage} — ${l.help}`), ...footer].join("\n");

/** "12 s", "5 min", "1 h 5 min": rounded up, so the user never retries too early. */
export function duration(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

/** A command that waited (offline storage, XEP-0203) longer than it may, and was not run. */
export const tooOld = (ageMs: number): string =>
  `That command was sent ${duration(ageMs)} ago and was not run. Send it again if you still want it.`;
