/* References: W3C Note "EXI for JSON" (EXI4JSON): JSON-to-XML mapping and its schema appendix; EXI 1.0 §8.5
 * (schema-informed grammars, event code order), Appendix D (initial string table entries).
 * The fixed EXI4JSON schema reduced to the numbers the grammars need. Widths and orders were
 * checked against the golden vectors of the reference implementation. */

/** The JSON kinds, one per EXI4JSON global element. */
export const Kind = {
  Map: 0,
  Array: 1,
  String: 2,
  Number: 3,
  Boolean: 4,
  Null: 5,
  Other: 6,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export const NS_EXI4JSON = "http://www.w3.org/2015/EXI/json";

/** Initial URI partition (EXI App. D.1): "", xml, xsi, xsd, then the schema namespace. */
export const URI_COUNT = 5;
/** URI of the EXI4JSON namespace as written in a qname: partition index 4, encoded as index + 1. */
export const URI_JSON_CODE = 5;
export const URI_WIDTH = 3;

/** Initial local names of the EXI4JSON namespace (EXI App. D.3: elements, attributes, named
 * types, sorted). Keys the encoder meets are appended after these. */
export const JSON_LOCAL_NAMES: readonly string[] = [
  "array",
  "arrayType",
  "base64Binary",
  "boolean",
  "booleanType",
  "date",
  "dateTime",
  "decimal",
  "integer",
  "map",
  "mapType",
  "null",
  "nullType",
  "number",
  "numberType",
  "other",
  "otherType",
  "string",
  "stringType",
  "time",
];

/** Local-name id of each kind's element (index into JSON_LOCAL_NAMES). */
export const KIND_NAME_ID: readonly number[] = [9, 0, 17, 13, 3, 11, 15];

/** Kind for a local-name id, or -1 when the id is not one of the seven global elements. */
export function kindOfNameId(id: number): number {
  return KIND_NAME_ID.indexOf(id);
}

/** Keys equal to a global element name are escaped with the `_.` prefix (EXI4JSON key-name escaping). */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  "map",
  "array",
  "string",
  "number",
  "boolean",
  "null",
  "other",
]);

/** DocContent (EXI §8.5.1): global elements sorted by local name; code 7 would be SE(*). */
export const DOC_WIDTH = 3;
export const KIND_DOC_CODE: readonly number[] = [2, 0, 6, 4, 1, 3, 5];
export const DOC_CODE_KIND: readonly Kind[] = [
  Kind.Array,
  Kind.Boolean,
  Kind.Map,
  Kind.Null,
  Kind.Number,
  Kind.Other,
  Kind.String,
];

/** arrayType: a repeated choice in schema order (map, array, string, number, boolean, null,
 * other), then EE. */
export const ARRAY_WIDTH = 3;
export const ARRAY_EE = 7;

/** otherType: a choice of six typed elements (3 bits, no EE before the child). Only integer
 * and decimal are decoded; JSON values are never encoded as `other`. */
export const OTHER_WIDTH = 3;
export const OTHER_INTEGER = 1;
export const OTHER_DECIMAL = 2;

/** Built-in element grammar (EXI §8.4.3) second-level codes after the learned SE(qname)
 * productions: EE, AT(*), SE(*), CH. */
export const BUILTIN_SECOND_WIDTH = 2;
export const BUILTIN_SE_ANY = 2;

/** EXI Float exponent range (§7.1.4) and the exponent value reserved for INF/NaN. */
export const FLOAT_EXP_MAX = (1 << 14) - 1;
export const FLOAT_EXP_SPECIAL = -(1 << 14);
