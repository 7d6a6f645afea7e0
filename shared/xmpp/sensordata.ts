/* XEP-0323 momentary readouts, as pure make and parse functions.
 * References: XEP-0323 (Internet of Things - Sensor Data, last version 0.6) §3.1 (request
 * `<req momentary='true'/>` → `<accepted/>`, then a `<fields done='true'>` message), §3.3
 * (rejected request), §3.6 (specific fields: `<field name=''/>` children), §5.4 (field value
 * types numeric, boolean, string), §5.6 (field status flags).
 *
 * Lenient on input: the request id is taken from `id` (0.4 and later) or `seqnr` (earlier drafts)
 * and echoed in the same attribute. Strict on output: one `<node nodeId='<device id>'>` with one
 * `<timestamp>` per distinct reading time, each field marked `momentary` and `automaticReadout`.
 * Reading quality maps to status flags: estimate → automaticEstimate, stale → warning,
 * invalid and error → error. */
import xml, { type Element } from "@xmpp/xml";
import { NS_IOT_SENSORDATA } from "./ns";

export interface ReadoutRequest {
  id: string;
  /** Which attribute carried the id (echoed back in the same one). */
  idAttr: "id" | "seqnr";
  momentary: boolean;
  /** Requested field names; empty means all. */
  fields: string[];
}

export type SensorValue = number | boolean | string;

export interface SensorField {
  name: string;
  value: SensorValue;
  /** ms since the epoch. */
  t: number;
  unit?: string;
  quality?: "invalid" | "estimate" | "stale" | "error";
}

export function parseReadoutRequest(req: Element): ReadoutRequest | undefined {
  if (!req.is("req", NS_IOT_SENSORDATA)) return undefined;
  const idAttr = req.attrs.id !== undefined ? "id" : "seqnr";
  const id = String(req.attrs[idAttr] ?? "");
  const fields = req
    .getChildren("field")
    .map((f) => f.attrs.name)
    .filter((n): n is string => typeof n === "string" && n !== "");
  // Other types than momentary are not kept by the agent; a request that names none is momentary.
  const momentary = req.attrs.momentary === "true" || req.attrs.momentary === "1" || !hasAnyType(req);
  return { id, idAttr, momentary, fields };
}

function hasAnyType(req: Element): boolean {
  return ["peak", "status", "computed", "identity", "historical", "all"].some(
    (t) => req.attrs[t] === "true" || req.attrs[t] === "1",
  );
}

export function makeReadoutRequest(id: string, fields: string[] = []): Element {
  return xml(
    "req",
    { xmlns: NS_IOT_SENSORDATA, id, momentary: "true" },
    ...fields.map((name) => xml("field", { name })),
  );
}

export const makeAccepted = (req: ReadoutRequest): Element =>
  xml("accepted", { xmlns: NS_IOT_SENSORDATA, [req.idAttr]: req.id });

export const makeRejected = (req: ReadoutRequest, text: string): Element =>
  xml("rejected", { xmlns: NS_IOT_SENSORDATA, [req.idAttr]: req.id }, xml("error", {}, text));

const STATUS: Record<NonNullable<SensorField["quality"]>, string> = {
  estimate: "automaticEstimate",
  stale: "warning",
  invalid: "error",
  error: "error",
};

function makeField(f: SensorField): Element {
  const name = typeof f.value === "number" ? "numeric" : typeof f.value === "boolean" ? "boolean" : "string";
  const attrs: Record<string, string> = {
    name: f.name,
    value: String(f.value),
    momentary: "true",
    automaticReadout: "true",
  };
  if (f.unit !== undefined && name === "numeric") attrs.unit = f.unit;
  if (f.quality !== undefined) attrs[STATUS[f.quality]] = "true";
  return xml(name, attrs);
}

/** The `<fields done='true'>` element with every field, grouped by timestamp. */
export function makeFields(req: ReadoutRequest, nodeId: string, fields: SensorField[]): Element {
  const byTime = new Map<number, SensorField[]>();
  for (const f of fields) byTime.set(f.t, [...(byTime.get(f.t) ?? []), f]);
  const stamps = [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, fs]) => xml("timestamp", { value: new Date(t).toISOString() }, ...fs.map(makeField)));
  return xml(
    "fields",
    { xmlns: NS_IOT_SENSORDATA, [req.idAttr]: req.id, done: "true" },
    xml("node", { nodeId }, ...stamps),
  );
}

export interface ParsedFields {
  id: string;
  done: boolean;
  fields: SensorField[];
}

/** Reads a `<fields/>` element (clients, tests). */
export function parseFields(el: Element): ParsedFields | undefined {
  if (!el.is("fields", NS_IOT_SENSORDATA)) return undefined;
  const fields: SensorField[] = [];
  for (const node of el.getChildren("node")) {
    for (const stamp of node.getChildren("timestamp")) {
      const t = Date.parse(String(stamp.attrs.value));
      for (const f of stamp.getChildElements()) fields.push(readField(f, t));
    }
  }
  return { id: String(el.attrs.id ?? el.attrs.seqnr ?? ""), done: el.attrs.done === "true", fields };
}

function readField(f: Element, t: number): SensorField {
  const raw = String(f.attrs.value ?? "");
  const value =
    f.name === "numeric" ? Number(raw) : f.name === "boolean" ? raw === "true" || raw === "1" : raw;
  const field: SensorField = { name: String(f.attrs.name), value, t };
  if (typeof f.attrs.unit === "string") field.unit = f.attrs.unit;
  return field;
}
