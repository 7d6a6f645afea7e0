/* Switching an actuator from the page goes through the hub's control lifecycle, as chat and
 * `xiot set` do: the hub's "Control a device" command (XEP-0050) checks access, sends the device an
 * XEP-0325 `set` with xiot's command metadata, logs the command for `history`, and answers with one
 * definitive outcome (done, refused, offline, expired, timeout, failed) that the page shows.
 * References: XEP-0050 §3.3 (execute, submit, completed with a note), hub/control/adhoc.ts,
 * XEP-0325 (what the hub sends), RFC 6120 §8.3.3 (errors of the request itself). */
import type { Element } from "@xmpp/xml";
import { type IqRequest, runCommand } from "../shared/xmpp/adhoc";
import { CMD_CONTROL, NS_IOT_CONTROL } from "../shared/xmpp/ns";

export type OutcomeKind = "done" | "refused" | "offline" | "expired" | "timeout" | "failed";

export interface Outcome {
  kind: OutcomeKind;
  /** One line for the person. */
  text: string;
}

/** How long the hub takes at most to give an outcome (its control.timeoutMs default). */
export const COMMAND_TIMEOUT_MS = 10_000;

const NOBODY_THERE = new Set([
  "service-unavailable",
  "recipient-unavailable",
  "item-not-found",
  "remote-server-not-found",
  "gone",
]);

/** How the hub's command takes a value (the chat grammar: on/off, numbers, text). */
export function valueText(value: boolean | number | string): string {
  return value === true ? "on" : value === false ? "off" : String(value);
}

/** Conditions of a command the device or hub would not run (RFC 6120 §8.3.3). */
const REFUSALS = new Set(["forbidden", "not-authorized", "bad-request", "conflict"]);

const KINDS = new Set<OutcomeKind>(["done", "refused", "offline", "expired", "timeout", "failed"]);

/** Runs the hub's control command and returns its outcome for the person. */
export async function controlThroughHub(
  request: IqRequest,
  hub: string,
  args: { device: string; channel: string; value: boolean | number | string },
): Promise<Outcome> {
  try {
    const r = await runCommand(request, {
      to: hub,
      node: CMD_CONTROL,
      fields: { device: args.device, channel: args.channel, value: valueText(args.value) },
      // The hub answers within its own control.timeoutMs; this only guards against a lost hub.
      timeoutMs: COMMAND_TIMEOUT_MS + 5000,
    });
    const error = r.notes.find((n) => n.type === "error");
    const said = r.form?.fields.get("outcome")?.[0] as OutcomeKind | undefined;
    const kind = said !== undefined && KINDS.has(said) ? said : error ? "refused" : "done";
    return { kind, text: (error ?? r.notes[0])?.text ?? kind };
  } catch (error) {
    return outcomeOf({ ok: false, ...errorOf(error) }, args.value);
  }
}

/** The outcome of the device's answer: a result, or an error stanza's condition and text. */
export function outcomeOf(
  answer: { ok: true } | { ok: false; condition: string; text?: string; timeout?: boolean },
  value: unknown,
): Outcome {
  if (answer.ok)
    return {
      kind: "done",
      text: `done: now ${value === true ? "on" : value === false ? "off" : String(value)}`,
    };
  if (answer.timeout)
    return { kind: "timeout", text: "no answer from the device: it may or may not have switched" };
  const detail = answer.text ?? answer.condition;
  if (answer.condition === "not-acceptable")
    return { kind: "expired", text: "expired before the device got it" };
  if (NOBODY_THERE.has(answer.condition))
    return { kind: "offline", text: "the device is offline: nothing ran" };
  // docs/design.md §2 (command metadata): `conflict` is the device refusing a command, e.g. a
  // lower seq than one it already applied; nothing moved, and nothing broke.
  if (REFUSALS.has(answer.condition)) return { kind: "refused", text: `refused: ${detail}` };
  return { kind: "failed", text: `failed: ${detail}` };
}

/** Condition and text of a failed request: a StanzaError (from @xmpp's IQ caller) or a timeout. */
export function errorOf(error: unknown): { condition: string; text?: string; timeout?: boolean } {
  const e = error as { condition?: string; text?: string; application?: Element; name?: string };
  if (e?.name === "TimeoutError") return { condition: "timeout", timeout: true };
  const param = e?.application?.is("paramError", NS_IOT_CONTROL) ? e.application.getText() : undefined;
  const text = param || e?.text || undefined;
  return { condition: e?.condition ?? "undefined-condition", ...(text && { text }) };
}
