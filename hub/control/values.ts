/* A value typed by a person (chat, a form, the CLI) → a typed XEP-0325 parameter.
 * References: XEP-0325 §3.1 (boolean, int, long, double, string parameters), docs/protocol.md
 * (the agent takes on/off/true/false/yes/no for booleans). */
import type { ValueType } from "./device-info";
import type { ControlValue, TypedParameter } from "./types";

const TRUE = new Set(["on", "true", "yes", "1"]);
const FALSE = new Set(["off", "false", "no", "0"]);
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

export type Typed = { ok: true; value: TypedParameter } | { ok: false; reason: string };

/** Types `raw` for a channel of `valueType` (undefined: guessed from the text). */
export function typeValue(channel: string, raw: string | ControlValue, valueType?: ValueType): Typed {
  if (typeof raw !== "string") return typed(channel, raw, valueType);
  const text = raw.trim();
  const word = text.toLowerCase();
  const asBoolean = TRUE.has(word) ? true : FALSE.has(word) ? false : undefined;
  const asNumber = NUMBER_RE.test(text) ? Number(text) : undefined;
  switch (valueType ?? (asBoolean !== undefined ? "boolean" : asNumber !== undefined ? "number" : "string")) {
    case "boolean":
      if (asBoolean === undefined) return { ok: false, reason: `${channel} takes on or off, not "${text}"` };
      return typed(channel, asBoolean, "boolean");
    case "number":
      if (asNumber === undefined || !Number.isFinite(asNumber))
        return { ok: false, reason: `${channel} takes a number, not "${text}"` };
      return typed(channel, asNumber, "number");
    default:
      if (text === "") return { ok: false, reason: `give a value for ${channel}` };
      return typed(channel, text, "string");
  }
}

function typed(name: string, value: ControlValue, valueType?: ValueType): Typed {
  if (typeof value === "boolean") {
    if (valueType && valueType !== "boolean") return { ok: false, reason: `${name} does not take on/off` };
    return { ok: true, value: { name, type: "boolean", value } };
  }
  if (typeof value === "number") {
    if (valueType && valueType !== "number") return { ok: false, reason: `${name} does not take a number` };
    return { ok: true, value: { name, type: "double", value } };
  }
  return { ok: true, value: { name, type: "string", value } };
}

/** How a value reads in a reply: booleans as on/off. */
export const showValue = (v: ControlValue, unit?: string): string =>
  typeof v === "boolean" ? (v ? "on" : "off") : unit ? `${v} ${unit}` : String(v);
