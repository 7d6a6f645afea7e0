/* The short texts the hub answers chat commands with; the wording shared with devices is in
 * shared/chat/replies.ts.
 * References: docs/design.md §3 (chat commands, one reply each), XEP-0347 §3.5 (claim). */
import { helpLines } from "../../shared/chat/grammar";
import { duration, helpText, noDevice, sentence } from "../../shared/chat/replies";
import type { DeviceListing } from "../devices/service-access";
import type { Fail } from "../devices/types";
import { HUB_SHAPES, usage } from "./parse";

export const HELP = helpText(helpLines(HUB_SHAPES));

/** `Your devices: sim-1 (owner, online), sim-2 (read, offline since 16:02:11Z)`. */
export function deviceList(devices: DeviceListing[], availability: (device: string) => string): string {
  if (devices.length === 0)
    return `You have no devices. Claim one with: ${usage("claim").split("  or  ")[0]}`;
  return `Your devices: ${devices.map((d) => `${d.id} (${d.role}, ${availability(d.id)})`).join(", ")}`;
}

/** A refused command as one sentence. `device` is the device the command named, if any. */
export function failureReply(failure: Fail, now: number, device?: string): string {
  switch (failure.error) {
    case "locked-out":
      return `Too many wrong keys. Try again in ${duration((failure.retryAt ?? now) - now)}.`;
    case "not-authorized":
      return device ? `That key does not claim ${device}.` : "No device has that key.";
    case "item-not-found":
      return device ? sentence(noDevice(device)) : sentence(failure.detail ?? "not found");
    case "forbidden":
      return device ? `You don't own ${device}.` : "You may not do that.";
    case "bad-request":
    case "jid-malformed":
    case "not-acceptable":
      return sentence(failure.detail ?? "that request is not valid");
    case "conflict":
      return sentence(failure.detail ?? "that conflicts with the current state");
  }
}
