/* The device's refusals of a sound command, told apart by their application condition, and the
 * hub's words for each: what happened, and what the person can do about it.
 * References: docs/design.md §2 (command metadata: never judged before the hub's time is known,
 * refused when `issued` lies ahead of it or `seq` is lower than the last applied), docs/protocol.md
 * ("XEP-0325 control"), RFC 6120 §8.3.2 (an application condition beside the defined one),
 * shared/xmpp/errors.ts (`clock-unknown`, `issued-in-future`, `stale-seq`).
 *
 * The application condition decides, whatever the defined condition beside it: it is the device
 * saying which refusal this is. An agent that predates these conditions sends none, and its
 * errors are judged by their defined conditions as before (lifecycle.ts). */
import { NS_XIOT_COMMAND } from "../../shared/xmpp/ns";
import type { StanzaError } from "../../shared/xmpp/stanza-error";
import type { DeviceRefusal } from "./types";

const REFUSALS: ReadonlySet<string> = new Set<DeviceRefusal>([
  "clock-unknown",
  "issued-in-future",
  "stale-seq",
]);

/** Which refusal an error answer is, when it carries one of `urn:xiot:command:0`. */
export function refusalOf(error: StanzaError): DeviceRefusal | undefined {
  const app = error.application;
  if (app?.attrs.xmlns !== NS_XIOT_COMMAND || !REFUSALS.has(app.name)) return undefined;
  return app.name as DeviceRefusal;
}

/** The channel a refusal names (`<stale-seq var='relay'/>`), if it names one. */
export function refusedChannel(error: StanzaError): string | undefined {
  const name = error.application?.attrs.var;
  return typeof name === "string" && name !== "" ? name : undefined;
}

/** The hub's reason, as a clause (shared/chat/replies.ts `refused` makes it a sentence). The
 * subject is what the command named: `kitchen-1`, `kitchen-1 relay`. */
export function refusalReason(refusal: DeviceRefusal, device?: string, channel?: string): string {
  switch (refusal) {
    case "clock-unknown":
      // It waited for the offset to the hub's clock first (10 s): it comes at connect, so soon.
      return `${device ?? "the device"} does not know the time yet; try again in a few seconds`;
    case "issued-in-future":
      // The device's time is the server's; a hub ahead of it stamps every command in the future.
      return "the command is stamped in the future: check the hub's clock";
    case "stale-seq": {
      const subject = [device, channel].filter((s) => s !== undefined).join(" ") || "this channel";
      return `a newer command for ${subject} already ran`;
    }
  }
}
