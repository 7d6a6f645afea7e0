/* Tags a device may send when it registers, and their limits.
 * References: XEP-0347 §3.3 (meta data tags in a registration; retracted, used as a guide).
 *
 * Allowed tags: serial (serial number), model, firmware, version (agent or software version),
 * hw (hardware revision), mac (a network MAC address), manufacturer, board, os, agent (agent
 * name), boot (boot id at registration). Limits: at most 16 tags, names ≤ 32 characters,
 * values ≤ 256 characters without control characters. An unknown or oversized tag is refused
 * with `not-acceptable` naming it. */
import { fail, ok, type Result } from "./types";

export const META_TAGS: ReadonlySet<string> = new Set([
  "serial",
  "model",
  "firmware",
  "version",
  "hw",
  "mac",
  "manufacturer",
  "board",
  "os",
  "agent",
  "boot",
]);
export const MAX_META_TAGS = 16;
export const MAX_META_NAME = 32;
export const MAX_META_VALUE = 256;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

export function validateMeta(meta: Record<string, unknown>): Result<Record<string, string>> {
  const entries = Object.entries(meta);
  if (entries.length > MAX_META_TAGS)
    return fail("not-acceptable", { detail: `more than ${MAX_META_TAGS} tags` });
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (name.length > MAX_META_NAME)
      return fail("not-acceptable", { detail: `tag name too long: ${name.slice(0, 32)}…` });
    if (!META_TAGS.has(name)) return fail("not-acceptable", { detail: `tag not allowed: ${name}` });
    if (typeof value !== "string" || value.length > MAX_META_VALUE || CONTROL.test(value)) {
      return fail("not-acceptable", { detail: `bad value for tag ${name}` });
    }
    out[name] = value;
  }
  return ok(out);
}
