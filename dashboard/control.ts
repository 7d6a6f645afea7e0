/* Switching an actuator from the page: an XEP-0325 `set` with xiot's command metadata, sent to the
 * device's agent, and one outcome for the person. Until the hub routes commands for every device,
 * the page addresses `<id>@<domain>/agent` itself, as docs/protocol.md describes.
 * References: XEP-0325 §3.1–3.5 (set, setResponse, errors naming the parameter), DESIGN §2
 * (`<cmd id issued ttl/>`, issued by the hub's clock), XEP-0202 (the server's clock),
 * RFC 6120 §8.3.3 (service-unavailable and friends: nobody there). */
import xml, { type Element } from "@xmpp/xml";
import { type ControlParameter, makeControlSet } from "../shared/xmpp/control";
import { NS_IOT_CONTROL, NS_TIME } from "../shared/xmpp/ns";

export type OutcomeKind = "done" | "refused" | "offline" | "expired" | "timeout" | "failed";

export interface Outcome {
  kind: OutcomeKind;
  /** One line for the person. */
  text: string;
}

/** How long a command stays valid after it is issued, and how long the page waits. */
export const COMMAND_TTL_MS = 8000;
export const COMMAND_TIMEOUT_MS = 10_000;

const NOBODY_THERE = new Set([
  "service-unavailable",
  "recipient-unavailable",
  "item-not-found",
  "remote-server-not-found",
  "gone",
]);

/** The parameter for an actuator value of the meta's value type. */
export function parameterFor(
  name: string,
  valueType: string,
  value: boolean | number | string,
): ControlParameter {
  if (valueType === "boolean") return { name, type: "boolean", value: Boolean(value) };
  if (valueType === "number") {
    const n = Number(value);
    return Number.isInteger(n) ? { name, type: "long", value: n } : { name, type: "double", value: n };
  }
  return { name, type: "string", value: String(value) };
}

export function makeCommand(to: string, param: ControlParameter, id: string, issued: number): Element {
  return xml("iq", { type: "set", to }, makeControlSet([param], { id, issued, ttl: COMMAND_TTL_MS }));
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
  if (answer.condition === "forbidden" || answer.condition === "not-authorized")
    return { kind: "refused", text: `refused: ${detail}` };
  if (answer.condition === "bad-request") return { kind: "refused", text: `refused: ${detail}` };
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

export const makeTimeQuery = (domain: string): Element =>
  xml("iq", { type: "get", to: domain }, xml("time", { xmlns: NS_TIME }));

/** Offset (ms) to add to the local clock to get the server's, from an XEP-0202 answer. */
export function clockOffset(answer: Element, sentAt: number, receivedAt: number): number | undefined {
  const utc = answer.getChild("time", NS_TIME)?.getChildText("utc");
  const remote = utc ? Date.parse(utc) : Number.NaN;
  if (!Number.isFinite(remote)) return undefined;
  // A stamp in whole seconds is the middle of its second (docs/protocol.md).
  const mid = utc && !utc.includes(".") ? remote + 500 : remote;
  return mid - (sentAt + receivedAt) / 2;
}
