/* XEP-0325 control requests and xiot's command metadata, as pure make and parse functions.
 * References: XEP-0325 (Internet of Things - Control, last version 0.5) §3.1–3.3 (`<set>` with
 * typed parameters: boolean, int, long, double, string, …; the answer when the change is done),
 * §3.5 (an error naming the parameter); docs/design.md §2 (`<cmd xmlns='urn:xiot:command:0' id issued
 * ttl seq/>`, `issued` in XEP-0082 date-time by the hub's clock, `ttl` in ms).
 *
 * Lenient on input (unknown attributes ignored; `xsd:boolean` spellings 1/0 accepted), strict on
 * output: the result of a set is `<setResponse xmlns='urn:xmpp:iot:control'/>`. A refused set is
 * a ControlProblem; errors.ts sends it with `<paramError xmlns='urn:xmpp:iot:control' var='<name>'>`
 * as its application condition. Colour, date, time and duration parameters are refused as
 * unsupported. */
import xml, { type Element } from "@xmpp/xml";
import { NS_IOT_CONTROL, NS_XIOT_COMMAND } from "./ns";

export const CONTROL_TYPES = ["boolean", "int", "long", "double", "string"] as const;
export type ControlType = (typeof CONTROL_TYPES)[number];
const UNSUPPORTED_TYPES = ["color", "date", "dateTime", "duration", "time"];

export interface ControlParameter {
  name: string;
  type: ControlType;
  value: boolean | number | string;
}

export interface ControlProblem {
  /** The parameter the problem is about, when there is one. */
  field?: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ControlProblem };

export interface CommandMeta {
  id: string;
  /** When the hub issued the command, ms since the epoch (hub clock). */
  issued: number;
  /** How long it stays valid after `issued`, ms. */
  ttl: number;
  seq?: number;
}

const INT_RE = /^[+-]?\d+$/;

function parseValue(type: ControlType, raw: string): boolean | number | string | undefined {
  switch (type) {
    case "boolean":
      return raw === "true" || raw === "1" ? true : raw === "false" || raw === "0" ? false : undefined;
    case "int":
    case "long": {
      if (!INT_RE.test(raw.trim())) return undefined;
      const n = Number(raw);
      const limit = type === "int" ? 2 ** 31 : Number.MAX_SAFE_INTEGER;
      return Number.isSafeInteger(n) && n >= -limit && n < limit ? n : undefined;
    }
    case "double": {
      const n = Number(raw);
      return raw.trim() !== "" && Number.isFinite(n) ? n : undefined;
    }
    case "string":
      return raw;
  }
}

/** The parameters of a `<set xmlns='urn:xmpp:iot:control'>` element. */
export function parseControlSet(set: Element): Parsed<ControlParameter[]> {
  const params: ControlParameter[] = [];
  for (const child of set.getChildElements()) {
    if (child.name === "node" || child.attrs.xmlns === NS_XIOT_COMMAND) continue;
    const name = child.attrs.name;
    if (typeof name !== "string" || name === "") return fail(undefined, `<${child.name}> has no name`);
    if (UNSUPPORTED_TYPES.includes(child.name))
      return fail(name, `${child.name} parameters are not supported`);
    if (!(CONTROL_TYPES as readonly string[]).includes(child.name))
      return fail(name, `unknown parameter type <${child.name}>`);
    const type = child.name as ControlType;
    const value = parseValue(type, String(child.attrs.value ?? ""));
    if (value === undefined) return fail(name, `"${child.attrs.value ?? ""}" is not a valid ${type}`);
    params.push({ name, type, value });
  }
  if (params.length === 0) return fail(undefined, "no parameter to set");
  return { ok: true, value: params };
}

export function makeControlSet(params: ControlParameter[], cmd?: CommandMeta): Element {
  const children = params.map((p) => xml(p.type, { name: p.name, value: String(p.value) }));
  if (cmd) children.push(makeCommandMeta(cmd));
  return xml("set", { xmlns: NS_IOT_CONTROL }, ...children);
}

export const makeSetResponse = (): Element => xml("setResponse", { xmlns: NS_IOT_CONTROL });

export function makeCommandMeta(cmd: CommandMeta): Element {
  const attrs: Record<string, string> = {
    xmlns: NS_XIOT_COMMAND,
    id: cmd.id,
    issued: new Date(cmd.issued).toISOString(),
    ttl: String(cmd.ttl),
  };
  if (cmd.seq !== undefined) attrs.seq = String(cmd.seq);
  return xml("cmd", attrs);
}

/** The `<cmd/>` child of `parent`: undefined when absent, an error when malformed. */
export function parseCommandMeta(parent: Element): Parsed<CommandMeta> | undefined {
  const cmd = parent.getChild("cmd", NS_XIOT_COMMAND);
  if (!cmd) return undefined;
  const { id, issued, ttl, seq } = cmd.attrs as Record<string, string | undefined>;
  if (!id) return fail(undefined, "cmd without id");
  const issuedMs = issued ? Date.parse(issued) : Number.NaN;
  if (!Number.isFinite(issuedMs)) return fail(undefined, "cmd issued is not an XEP-0082 date-time");
  const ttlMs = Number(ttl);
  if (!ttl || !Number.isSafeInteger(ttlMs) || ttlMs < 0)
    return fail(undefined, "cmd ttl is not a whole number of ms");
  const meta: CommandMeta = { id, issued: issuedMs, ttl: ttlMs };
  if (seq !== undefined) {
    const n = Number(seq);
    if (!INT_RE.test(seq) || !Number.isSafeInteger(n) || n < 0)
      return fail(undefined, "cmd seq is not a count");
    meta.seq = n;
  }
  return { ok: true, value: meta };
}

function fail<T>(field: string | undefined, message: string): Parsed<T> {
  return { ok: false, error: field === undefined ? { message } : { field, message } };
}
