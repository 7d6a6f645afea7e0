/* References: xiot docs/design.md §2 (readings item payload); XEP-0060 §7.1 (item payload is one
 * namespaced child); RFC 4648 §4 (base64). Builds and parses
 *   <readings xmlns='urn:xiot:readings:0' encoding='exi4json'>BASE64</readings>
 * and its encoding='json' twin carrying the same document as JSON text. */

import xml, { type Element } from "@xmpp/xml";
import { NS_READINGS } from "../xmpp/ns";
import { fromBase64, toBase64 } from "./base64";
import { decode, encode } from "./codec";
import { Exi4JsonError } from "./errors";
import { DEFAULT_LIMITS, type DecodeLimits, type JsonObject, type JsonValue } from "./types";

export const READINGS_ENCODINGS = ["exi4json", "json"] as const;
export type ReadingsEncoding = (typeof READINGS_ENCODINGS)[number];

export type ReadingsPayloadErrorCode =
  | "not-readings"
  | "bad-encoding"
  | "bad-base64"
  | "bad-json"
  | "bad-exi"
  | "not-an-object";

export class ReadingsPayloadError extends Error {
  readonly code: ReadingsPayloadErrorCode;

  constructor(code: ReadingsPayloadErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = "ReadingsPayloadError";
    this.code = code;
  }
}

export interface ReadingsPayload {
  encoding: ReadingsEncoding;
  document: JsonObject;
}

/** The payload element for a readings document. Non-JSON values throw Exi4JsonError. */
export function makeReadingsPayload(document: JsonObject, encoding: ReadingsEncoding = "exi4json"): Element {
  const text = encoding === "json" ? JSON.stringify(document, rejectNonFinite) : toBase64(encode(document));
  return xml("readings", { xmlns: NS_READINGS, encoding }, text);
}

/** The encoding of a stored encoded document: JSON text starts with `{`, EXI4JSON with its
 * header byte 0x80 (so records from a boot with another `encoding` setting stay what they are). */
export const encodingOf = (bytes: Uint8Array): ReadingsEncoding => (bytes[0] === 0x7b ? "json" : "exi4json");

/** The payload element for an already encoded document: the bytes are carried as stored. */
export function makeEncodedReadingsPayload(bytes: Uint8Array): Element {
  const encoding = encodingOf(bytes);
  const text = encoding === "json" ? new TextDecoder().decode(bytes) : toBase64(bytes);
  return xml("readings", { xmlns: NS_READINGS, encoding }, text);
}

/** The document of a payload element; every malformed payload is a ReadingsPayloadError. */
export function parseReadingsPayload(element: Element, limits?: DecodeLimits): ReadingsPayload {
  if (element.name !== "readings" || element.attrs.xmlns !== NS_READINGS) {
    throw new ReadingsPayloadError("not-readings", `expected <readings xmlns='${NS_READINGS}'>`);
  }
  const encoding = element.attrs.encoding as unknown;
  if (!READINGS_ENCODINGS.includes(encoding as ReadingsEncoding)) {
    throw new ReadingsPayloadError("bad-encoding", `unknown encoding ${JSON.stringify(encoding)}`);
  }
  const text = element.getText();
  const value = encoding === "json" ? parseJson(text, limits) : parseExi(text, limits);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ReadingsPayloadError("not-an-object", "a readings document is a JSON object");
  }
  return { encoding: encoding as ReadingsEncoding, document: value };
}

function parseExi(text: string, limits?: DecodeLimits): JsonValue {
  const bytes = fromBase64(text);
  if (bytes === undefined) throw new ReadingsPayloadError("bad-base64", "payload text is not base64");
  try {
    return decode(bytes, limits);
  } catch (err) {
    const code = err instanceof Exi4JsonError ? err.code : "unknown";
    throw new ReadingsPayloadError("bad-exi", `EXI4JSON payload refused (${code})`, { cause: err });
  }
}

function parseJson(text: string, limits?: DecodeLimits): JsonValue {
  const max = limits?.maxTotalSize ?? DEFAULT_LIMITS.maxTotalSize;
  if (text.length > max) throw new ReadingsPayloadError("bad-json", `JSON text longer than ${max}`);
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new ReadingsPayloadError("bad-json", "payload text is not JSON", { cause: err });
  }
}

function rejectNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new Exi4JsonError("non-finite-number", `${value} has no JSON form`);
  }
  return value;
}
