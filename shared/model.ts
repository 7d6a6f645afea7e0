/* References: docs/design.md §2 (addresses, nodes and payloads: device ids, channel names, node names,
 * item ids `<bootId>-<seq>`, the readings document version 1).
 *
 * The readings document model shared by the agent (writer) and the hub and subscribers (readers).
 * Readers accept every version they know (today: 1); an unknown version is an error that names it.
 * Expected failures are values (`{ ok: false, error }`), never exceptions. */

export const DEVICE_ID_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const CHANNEL_RE = /^[a-z][a-z0-9_]{0,31}$/;
/** A boot id never contains `-`, so `<bootId>-<seq>` splits unambiguously at the last `-`. */
export const BOOT_ID_RE = /^[A-Za-z0-9._]{1,64}$/;

export const READINGS_VERSIONS = [1] as const;
export type ReadingsVersion = (typeof READINGS_VERSIONS)[number];

/** Quality of a reading that is not good; a good reading has no `q`. */
export const QUALITIES = ["invalid", "estimate", "stale", "error"] as const;
export type Quality = (typeof QUALITIES)[number];
export type ClockStatus = "sync" | "unsync";
export type ReadingValue = number | boolean | string;
/** Longest string value a reading may carry (in UTF-16 code units). */
export const MAX_STRING_VALUE = 1024;

export interface Reading {
  /** Channel name, `CHANNEL_RE`. */
  c: string;
  /** Time taken, ms since the epoch (UTC). */
  t: number;
  v: ReadingValue;
  /** Omitted when the value is good. */
  q?: Quality;
}

/** Readings dropped before they could be published: `n` readings in documents `from`..`to`. */
export interface Gap {
  n: number;
  from: number;
  to: number;
  /**
   * Boot id of the dropped documents, present only when it differs from the carrying document's
   * `boot` (the gap is from an earlier boot). Additive to v1: docs/protocol.md.
   */
  boot?: string;
}

export interface ReadingsDocumentV1 {
  v: 1;
  dev: string;
  boot: string;
  seq: number;
  clk: ClockStatus;
  r: Reading[];
  /** Present only when readings were dropped. */
  gap?: Gap;
}

/** Every document version this build knows. */
export type ReadingsDocument = ReadingsDocumentV1;

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export type ModelErrorCode = "unknown-version" | "invalid-document";

export class ModelError extends Error {
  override readonly name = "ModelError";
  constructor(
    readonly code: ModelErrorCode,
    /** JSON path of the offending field, such as `r[3].c`; empty for the document itself. */
    readonly path: string,
    message: string,
  ) {
    super(path === "" ? message : `${path}: ${message}`);
  }
}

export const isDeviceId = (s: unknown): s is string => typeof s === "string" && DEVICE_ID_RE.test(s);
export const isChannelName = (s: unknown): s is string => typeof s === "string" && CHANNEL_RE.test(s);
export const isBootId = (s: unknown): s is string => typeof s === "string" && BOOT_ID_RE.test(s);
const isSeq = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

// Node names, docs/design.md §2: `devices/<deviceId>/<kind>`. Build with deviceNode() (or the
// four shorthands), read with parseDeviceNode(); nothing else spells or matches the pattern.
export const DEVICE_NODE_KINDS = ["readings", "state", "availability", "meta"] as const;
export type DeviceNodeKind = (typeof DEVICE_NODE_KINDS)[number];
const DEVICE_NODE_PREFIX = "devices/";

export const deviceNode = (deviceId: string, kind: DeviceNodeKind): string =>
  `${DEVICE_NODE_PREFIX}${deviceId}/${kind}`;
export const readingsNode = (deviceId: string): string => deviceNode(deviceId, "readings");
export const stateNode = (deviceId: string): string => deviceNode(deviceId, "state");
export const availabilityNode = (deviceId: string): string => deviceNode(deviceId, "availability");
export const metaNode = (deviceId: string): string => deviceNode(deviceId, "meta");

/** The device a node name lies under (`devices/<id>/<anything>`), whatever its leaf. */
export function parseDeviceNodePath(node: string): { deviceId: string; leaf: string } | undefined {
  if (!node.startsWith(DEVICE_NODE_PREFIX)) return undefined;
  const rest = node.slice(DEVICE_NODE_PREFIX.length);
  const slash = rest.indexOf("/");
  if (slash < 0) return undefined;
  const deviceId = rest.slice(0, slash);
  const leaf = rest.slice(slash + 1);
  if (!isDeviceId(deviceId) || leaf === "" || leaf.includes("/")) return undefined;
  return { deviceId, leaf };
}

/** A device node of a kind xiot defines; undefined for any other name. */
export function parseDeviceNode(node: string): { deviceId: string; kind: DeviceNodeKind } | undefined {
  const path = parseDeviceNodePath(node);
  if (!path || !DEVICE_NODE_KINDS.includes(path.leaf as DeviceNodeKind)) return undefined;
  return { deviceId: path.deviceId, kind: path.leaf as DeviceNodeKind };
}

/** Item id of a readings document: `<bootId>-<seq>`. */
export function itemId(bootId: string, seq: number): string {
  if (!isBootId(bootId)) throw new TypeError(`invalid boot id ${JSON.stringify(bootId)}`);
  if (!isSeq(seq)) throw new TypeError(`invalid sequence number ${seq}`);
  return `${bootId}-${seq}`;
}

export function parseItemId(id: string): Result<{ boot: string; seq: number }, ModelError> {
  const dash = id.lastIndexOf("-");
  const boot = id.slice(0, dash);
  const seqText = id.slice(dash + 1);
  if (dash < 0 || !isBootId(boot) || !/^(0|[1-9][0-9]{0,15})$/.test(seqText) || !isSeq(Number(seqText))) {
    return fail("invalid-document", "", `item id ${JSON.stringify(id)} is not <bootId>-<seq>`);
  }
  return { ok: true, value: { boot, seq: Number(seqText) } };
}

function fail<T>(code: ModelErrorCode, path: string, message: string): Result<T, ModelError> {
  return { ok: false, error: new ModelError(code, path, message) };
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): ModelError | null {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      return new ModelError("invalid-document", path, `unknown field ${JSON.stringify(k)}`);
  }
  return null;
}

function checkValue(v: unknown, path: string): ModelError | null {
  if (typeof v === "number") {
    return Number.isFinite(v) ? null : new ModelError("invalid-document", path, "number must be finite");
  }
  if (typeof v === "boolean") return null;
  if (typeof v === "string") {
    return v.length <= MAX_STRING_VALUE
      ? null
      : new ModelError("invalid-document", path, `string longer than ${MAX_STRING_VALUE}`);
  }
  return new ModelError("invalid-document", path, "must be a number, boolean or string");
}

const READING_KEYS: ReadonlySet<string> = new Set(["c", "t", "v", "q"]);

/** `at` is the reading's path, or its index in a document's `r` (the path is then only spelled
 * out for an error: a document of a thousand readings builds no strings when it is valid). */
const readingPath = (at: string | number): string => (typeof at === "number" ? `r[${at}]` : at);
const readingError = (at: string | number, sub: string, msg: string): ModelError =>
  new ModelError("invalid-document", sub ? `${readingPath(at)}.${sub}` : readingPath(at), msg);

function checkReading(x: unknown, at: string | number): ModelError | null {
  if (!isObject(x)) return readingError(at, "", "reading must be an object");
  for (const k in x)
    if (Object.hasOwn(x, k) && !READING_KEYS.has(k))
      return readingError(at, "", `unknown field ${JSON.stringify(k)}`);
  if (!isChannelName(x.c)) return readingError(at, "c", `channel must match ${CHANNEL_RE.source}`);
  if (!isSeq(x.t)) return readingError(at, "t", "time must be a non-negative integer (ms since epoch)");
  if (typeof x.v !== "number" || !Number.isFinite(x.v)) {
    const value = checkValue(x.v, `${readingPath(at)}.v`);
    if (value) return value;
  }
  if (x.q !== undefined && !QUALITIES.includes(x.q as Quality))
    return readingError(at, "q", `quality must be one of ${QUALITIES.join(", ")} (omitted when good)`);
  return null;
}

/** Validates one reading on its own (as a producer would before batching it). */
export function parseReading(input: unknown): Result<Reading, ModelError> {
  const err = checkReading(input, "reading");
  return err ? { ok: false, error: err } : { ok: true, value: input as Reading };
}

function checkGap(x: unknown): ModelError | null {
  const bad = (msg: string) => new ModelError("invalid-document", "gap", msg);
  if (!isObject(x)) return bad("must be an object");
  const keys = checkKeys(x, ["n", "from", "to", "boot"], "gap");
  if (keys) return keys;
  if (x.boot !== undefined && !isBootId(x.boot)) return bad(`boot must match ${BOOT_ID_RE.source}`);
  if (!isSeq(x.n) || x.n < 1) return bad("n must be a positive integer");
  if (!isSeq(x.from) || !isSeq(x.to)) return bad("from and to must be sequence numbers");
  if (x.from > x.to) return bad("from must not exceed to");
  return null;
}

function checkV1(x: Record<string, unknown>): ModelError | null {
  const bad = (path: string, msg: string) => new ModelError("invalid-document", path, msg);
  const keys = checkKeys(x, ["v", "dev", "boot", "seq", "clk", "r", "gap"], "");
  if (keys) return keys;
  if (!isDeviceId(x.dev)) return bad("dev", `device id must match ${DEVICE_ID_RE.source}`);
  if (!isBootId(x.boot)) return bad("boot", `boot id must match ${BOOT_ID_RE.source}`);
  if (!isSeq(x.seq)) return bad("seq", "must be a non-negative integer");
  if (x.clk !== "sync" && x.clk !== "unsync") return bad("clk", 'must be "sync" or "unsync"');
  if (!Array.isArray(x.r)) return bad("r", "must be an array");
  for (let i = 0; i < x.r.length; i++) {
    const err = checkReading(x.r[i], i);
    if (err) return err;
  }
  return x.gap === undefined ? null : checkGap(x.gap);
}

/** Validates an already JSON-decoded value as a readings document of any known version. */
export function parseReadingsDocument(input: unknown): Result<ReadingsDocument, ModelError> {
  if (!isObject(input)) return fail("invalid-document", "", "readings document must be a JSON object");
  if (input.v === undefined) return fail("invalid-document", "v", "version is missing");
  if (!READINGS_VERSIONS.includes(input.v as ReadingsVersion)) {
    return fail(
      "unknown-version",
      "v",
      `unknown readings document version ${JSON.stringify(input.v)} (known: ${READINGS_VERSIONS.join(", ")})`,
    );
  }
  const err = checkV1(input);
  if (err) return { ok: false, error: err };
  return { ok: true, value: input as unknown as ReadingsDocumentV1 };
}
