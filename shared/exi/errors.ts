/* References: W3C EXI 1.0 (2nd ed.) §5 header, §7.1 datatypes, §8 grammars; W3C Note "EXI for JSON".
 * One error type for everything the codec refuses, so callers can branch on `code`. */

export type Exi4JsonErrorCode =
  /** The stream ends before the grammar is complete. */
  | "truncated"
  /** The first byte is not an EXI header (distinguishing bits or cookie). */
  | "invalid-header"
  /** A valid EXI header this codec does not speak: options present, preview or other version. */
  | "unsupported-header"
  /** An event code, qname or table reference that the EXI4JSON grammars do not allow here. */
  | "invalid-stream"
  /** A map key whose escaped form is malformed or names a reserved element. */
  | "invalid-key"
  /** A value whose encoding is not valid (code point out of range, bad exponent). */
  | "invalid-value"
  /** An integer field longer than this codec accepts. */
  | "integer-too-large"
  /** NaN, Infinity, or a decoded number that does not fit a double. */
  | "non-finite-number"
  /** A JavaScript value that is not JSON (undefined, function, bigint, class instance). */
  | "unsupported-value"
  /** A decode or encode limit was reached. */
  | "depth-limit"
  | "string-limit"
  | "size-limit"
  /** Bytes after the end of the document. */
  | "trailing-data"
  /** A bug in the codec; reported as a typed error so decode never throws anything else. */
  | "internal-error";

export class Exi4JsonError extends Error {
  readonly code: Exi4JsonErrorCode;

  constructor(code: Exi4JsonErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = "Exi4JsonError";
    this.code = code;
  }
}
