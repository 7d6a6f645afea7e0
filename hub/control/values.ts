/* A value typed by a person (chat, a form, the CLI) → a typed XEP-0325 parameter.
 * References: XEP-0325 §3.1 (boolean, int, long, double, string parameters), docs/protocol.md
 * (on/off/true/false/yes/no for booleans: the one vocabulary of shared/chat/words.ts). */
import { formatValue } from "../../shared/chat/replies";
import { parseBoolean, parseNumber } from "../../shared/chat/words";
import type { ValueType } from "./device-info";
import type { ControlValue, TypedParameter } from "./types";

export type Typed = { ok: true; value: TypedParameter } | { ok: false; reason: string };

/** Types `raw` for a channel of `valueType` (undefined: guessed from the text, a boolean word first). */
export function typeValue(channel: string, raw: string | ControlValue, valueType?: ValueType): Typed {
  if (typeof raw !== "string") return typed(channel, raw, valueType);
  const text = raw.trim();
  const asBoolean = parseBoolean(text);
  const asNumber = parseNumber(text);
  switch (valueType ?? (asBoolean !== undefined ? "boolean" : asNumber !== undefined ? "number" : "string")) {
    case "boolean":
      if (asBoolean === undefined) return { ok: false, reason: `${channel} takes on or off, not "${text}"` };
      return typed(channel, asBoolean, "boolean");
    case "number":
      if (asNumber === undefined) return { ok: false, reason: `${channel} takes a number, not "${text}"` };
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

/** How a value reads in a reply (shared/chat/replies.ts): booleans as on/off, numbers with their unit. */
export const showValue = formatValue;
