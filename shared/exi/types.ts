/* References: W3C Note "EXI for JSON" §2 (the JSON data model carried). */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Bounds that keep `decode` linear in its input whatever the bytes say. */
export interface DecodeLimits {
  /** Deepest map/array nesting accepted (the root container is depth 1). */
  maxDepth?: number;
  /** Longest single string or key, in code points. */
  maxStringLength?: number;
  /** Upper bound on decoded values plus string code points (table hits included). */
  maxTotalSize?: number;
}

export interface EncodeOptions {
  /** Deepest map/array nesting accepted; also stops cyclic structures. */
  maxDepth?: number;
}

export const DEFAULT_LIMITS: Readonly<Required<DecodeLimits>> = Object.freeze({
  maxDepth: 256,
  maxStringLength: 1 << 20,
  maxTotalSize: 1 << 24,
});
