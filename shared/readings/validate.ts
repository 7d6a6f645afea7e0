/* References: docs/design.md §2 (the readings item payload, the readings document version 1, `clk`,
 * `gap`), docs/protocol.md ("Readings document: `gap.boot`"), XEP-0060 §7.1.3.6 (a payload the
 * service refuses: `bad-request` + `invalid-payload`).
 *
 * Checks one published readings payload as a whole: it decodes (EXI4JSON or JSON), it is a
 * readings document of a version this build knows, it belongs to the node's device, its times
 * are plausible and its gap is well formed. Pure: the caller says which device the node is of
 * and what time it is. A refusal is a value whose `text` names what is wrong, in words short
 * enough for an error reply's <text/>.
 *
 * Limits (the policy the hub applies, docs/design.md §2):
 * - strings up to MAX_STRING_VALUE (1024) UTF-16 units, channel names CHANNEL_RE, numbers finite
 *   (shared/model.ts);
 * - with `clk: "sync"` every `r[].t` lies between EARLIEST_TIME (2020-01-01T00:00:00Z) and
 *   MAX_FUTURE_MS (10 minutes) after the checker's clock; with `clk: "unsync"` the board's clock
 *   was not set when the readings were taken, so any time (a non-negative integer) is accepted;
 * - a gap without `boot` names earlier documents of the same boot (`to` < `seq`); `gap.boot`,
 *   when present, differs from the document's `boot`. */
import type { Element } from "@xmpp/xml";
import { parseReadingsPayload, ReadingsPayloadError } from "../exi/payload";
import { parseReadingsDocument, type ReadingsDocument, type Result } from "../model";

/** Earliest plausible time of a reading taken with a synchronised clock: 2020-01-01T00:00:00Z. */
export const EARLIEST_TIME = Date.UTC(2020, 0, 1);
/** How far past the checker's clock a reading taken with a synchronised clock may lie. */
export const MAX_FUTURE_MS = 10 * 60 * 1000;
/** Longest refusal text (the rest is cut, so an error reply stays small). */
export const MAX_TEXT = 200;

export type ReadingsRefusalCode =
  /** The payload does not decode: not readings, unknown encoding, bad base64, JSON or EXI. */
  | "undecodable"
  /** A document version this build does not know. */
  | "unknown-version"
  /** The document does not have the shape of its version. */
  | "invalid-document"
  /** `dev` is not the device whose node it was published to. */
  | "wrong-device"
  /** A reading's time lies outside the plausibility window. */
  | "implausible-time"
  /** `gap` names documents it cannot name. */
  | "invalid-gap";

export interface ReadingsRefusal {
  code: ReadingsRefusalCode;
  /** What is wrong, naming the field (`r[3].t`), at most MAX_TEXT characters. */
  text: string;
}

export interface ReadingsCheck {
  /** The device the node belongs to (`devices/<deviceId>/readings`). */
  deviceId: string;
  /** The checker's clock, ms since the epoch. */
  now: number;
}

const refuse = (code: ReadingsRefusalCode, text: string): { ok: false; error: ReadingsRefusal } => ({
  ok: false,
  error: { code, text: text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…` },
});

/** Decodes and checks one readings payload element. */
export function validateReadingsPayload(
  payload: Element,
  check: ReadingsCheck,
): Result<ReadingsDocument, ReadingsRefusal> {
  let document: unknown;
  try {
    document = parseReadingsPayload(payload).document;
  } catch (err) {
    // parseReadingsPayload refuses every malformed payload with a ReadingsPayloadError; anything
    // else is a bug and goes on up.
    if (!(err instanceof ReadingsPayloadError)) throw err;
    return refuse("undecodable", err.message);
  }
  return validateReadingsDocument(document, check);
}

/** Checks an already decoded document. */
export function validateReadingsDocument(
  input: unknown,
  check: ReadingsCheck,
): Result<ReadingsDocument, ReadingsRefusal> {
  const parsed = parseReadingsDocument(input);
  if (!parsed.ok) return refuse(parsed.error.code, parsed.error.message);
  const doc = parsed.value;
  if (doc.dev !== check.deviceId) {
    return refuse(
      "wrong-device",
      `dev: ${JSON.stringify(doc.dev)} is not this node's device ${JSON.stringify(check.deviceId)}`,
    );
  }
  const time = checkTimes(doc, check.now);
  if (time) return refuse("implausible-time", time);
  const gap = checkGap(doc);
  if (gap) return refuse("invalid-gap", gap);
  return parsed;
}

function checkTimes(doc: ReadingsDocument, now: number): string | undefined {
  if (doc.clk === "unsync") return undefined; // the board's clock was not set: any time goes
  const latest = now + MAX_FUTURE_MS;
  for (let i = 0; i < doc.r.length; i++) {
    const t = (doc.r[i] as { t: number }).t;
    if (t < EARLIEST_TIME)
      return `r[${i}].t: ${t} is before 2020-01-01 (clk "sync"; use "unsync" for an unset clock)`;
    if (t > latest)
      return `r[${i}].t: ${t} is more than ${MAX_FUTURE_MS / 60_000} minutes ahead of the hub's clock`;
  }
  return undefined;
}

function checkGap(doc: ReadingsDocument): string | undefined {
  const gap = doc.gap;
  if (gap === undefined) return undefined;
  if (gap.boot === undefined) {
    return gap.to < doc.seq ? undefined : `gap: to (${gap.to}) must name a document before seq ${doc.seq}`;
  }
  return gap.boot === doc.boot ? "gap: boot is present only for a gap from another boot" : undefined;
}
