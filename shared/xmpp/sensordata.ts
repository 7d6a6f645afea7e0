/* XEP-0323 readouts, momentary and historical, as pure make and parse functions.
 * References: XEP-0323 (Internet of Things - Sensor Data, last version 0.6) §3.1 (request
 * `<req momentary='true'/>` → `<accepted/>`, then a `<fields done='true'>` message), §3.2
 * (read-out failure: `<failure done='true'>`), §3.3 (rejected request), §3.4 (historical values
 * in several `<fields>` messages), §3.5 (`<node nodeId=''/>` children: devices behind one JID,
 * XEP-0326 §3), §3.6 (specific fields: `<field name=''/>` children), §5.4 (field value types
 * numeric, boolean, string), §5.5 (field types: momentary, peak, computed, historical*), §5.6
 * (field status flags), the schema's `from`/`to` (XEP-0082 date-times).
 *
 * Lenient on input: the request id is taken from `id` (0.4 and later) or `seqnr` (earlier drafts)
 * and echoed in the same attribute. Strict on output: one `<node nodeId='<device id>'>` with one
 * `<timestamp>` per distinct reading time, each field marked `momentary` and `automaticReadout`.
 * Reading quality maps to status flags: estimate → automaticEstimate, stale → warning,
 * invalid and error → error. */
import xml, { type Element } from "@xmpp/xml";
import { elementBytes, fitCount } from "./budget";
import { parseDateTime } from "./history";
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

/** XEP-0323 §5.5: the historical field types, by period. */
export const HISTORICAL_TYPES = [
  "historicalSecond",
  "historicalMinute",
  "historicalHour",
  "historicalDay",
  "historicalWeek",
  "historicalMonth",
  "historicalQuarter",
  "historicalYear",
  "historicalOther",
] as const;
export type HistoricalType = (typeof HISTORICAL_TYPES)[number];
/** XEP-0323 §5.5 field types a field may carry (`identity` and `status` are not used here). */
export type FieldType = "momentary" | "peak" | "computed" | HistoricalType;

export interface SensorField {
  name: string;
  value: SensorValue;
  /** ms since the epoch. */
  t: number;
  unit?: string;
  quality?: "invalid" | "estimate" | "stale" | "error";
  /** Its field types (§5.5); `momentary` when left out. */
  types?: readonly FieldType[];
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
  const attrs: Record<string, string> = { name: f.name, value: String(f.value) };
  for (const type of f.types ?? ["momentary"]) attrs[type] = "true";
  attrs.automaticReadout = "true";
  if (f.unit !== undefined && name === "numeric") attrs.unit = f.unit;
  if (f.quality !== undefined) attrs[STATUS[f.quality]] = "true";
  return xml(name, attrs);
}

/** One `<timestamp>` per distinct time, in time order, each with its fields. */
function timestamps(fields: readonly SensorField[]): Element[] {
  const byTime = new Map<number, SensorField[]>();
  for (const f of fields) byTime.set(f.t, [...(byTime.get(f.t) ?? []), f]);
  return [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, fs]) => xml("timestamp", { value: new Date(t).toISOString() }, ...fs.map(makeField)));
}

type IdOf = Pick<ReadoutRequest, "id" | "idAttr">;

const fieldsElement = (req: IdOf, nodeId: string, stamps: Element[], done: boolean): Element =>
  xml(
    "fields",
    { xmlns: NS_IOT_SENSORDATA, [req.idAttr]: req.id, ...(done ? { done: "true" } : {}) },
    xml("node", { nodeId }, ...stamps),
  );

/** The `<fields done='true'>` element with every field, grouped by timestamp. */
export function makeFields(req: IdOf, nodeId: string, fields: SensorField[]): Element {
  return fieldsElement(req, nodeId, timestamps(fields), true);
}

/**
 * The fields of one node as `<fields>` elements of at most `budget` bytes each (a timestamp is
 * never split; one that alone exceeds the budget goes in a message of its own), in time order;
 * only the last says `done='true'` unless `done` is false (more follows, §5.3). No fields: one
 * empty `<fields>` with the node.
 */
export function makeFieldsMessages(
  req: IdOf,
  nodeId: string,
  fields: readonly SensorField[],
  budget: number,
  done = true,
): Element[] {
  const stamps = timestamps(fields);
  const room = budget - elementBytes(fieldsElement(req, nodeId, [], true));
  const out: Element[] = [];
  let rest = stamps;
  do {
    const n = Math.max(1, fitCount(rest.map(elementBytes), room));
    out.push(fieldsElement(req, nodeId, rest.slice(0, n), done && n >= rest.length));
    rest = rest.slice(n);
  } while (rest.length > 0);
  return out;
}

/** §3.2: a read-out that could not be completed for a node, with why. */
export const makeFailure = (req: IdOf, nodeId: string, t: number, text: string, done = true): Element =>
  xml(
    "failure",
    { xmlns: NS_IOT_SENSORDATA, [req.idAttr]: req.id, ...(done ? { done: "true" } : {}) },
    xml("error", { nodeId, timestamp: new Date(t).toISOString() }, text),
  );

/** What a request asks of history: which nodes, which periods, which time range. */
export interface HistoricalAsk {
  /** Whether any historical field type is asked (`historical`, `all` or a `historical*` type). */
  historical: boolean;
  /** The specific periods asked (§5.5); empty when only `historical` or `all` was. */
  periods: HistoricalType[];
  /** §3.5 / XEP-0326: the nodes named, in order, each once. */
  nodes: string[];
  from?: number;
  to?: number;
  /** A malformed attribute, named (answered bad-request, §3.3). */
  problem?: string;
}

const isTrue = (v: unknown): boolean => v === "true" || v === "1";

export function parseHistoricalAsk(req: Element): HistoricalAsk {
  const periods = HISTORICAL_TYPES.filter((t) => isTrue(req.attrs[t]));
  const historical = periods.length > 0 || isTrue(req.attrs.historical) || isTrue(req.attrs.all);
  const nodes = [
    ...new Set(
      req
        .getChildren("node")
        .map((n) => n.attrs.nodeId)
        .filter((id): id is string => typeof id === "string" && id !== ""),
    ),
  ];
  const ask: HistoricalAsk = { historical, periods, nodes };
  for (const attr of ["from", "to"] as const) {
    const text = req.attrs[attr];
    if (text === undefined) continue;
    const t = parseDateTime(String(text));
    if (t === undefined) ask.problem ??= `${attr} is not an XEP-0082 date-time`;
    else ask[attr] = t;
  }
  return ask;
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
