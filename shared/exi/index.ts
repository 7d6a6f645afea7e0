/* References: W3C Note "EXI for JSON" (EXI4JSON); W3C EXI 1.0 Recommendation (2nd ed., 2014).
 * Public surface of the EXI4JSON codec. */

export { fromBase64, toBase64 } from "./base64";
export { decode, encode } from "./codec";
export { Exi4JsonError, type Exi4JsonErrorCode } from "./errors";
export { escapeKey, unescapeKey } from "./key-escape";
export {
  DEFAULT_LIMITS,
  type DecodeLimits,
  type EncodeOptions,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
} from "./types";
