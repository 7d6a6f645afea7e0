/* References: W3C Note "EXI for JSON" (mapping of JSON maps, arrays and values to the j:*
 * elements); EXI 1.0 §5 header, §8.4.3 built-in element grammars (learned SE(qname) for map
 * keys), §8.5 schema-informed grammars (strict), §7.1 datatypes, §7.3 string tables.
 * Writes the reference implementation's default profile: header 0x80, strict, bit-packed. */
import { BitWriter, codePointLength, widthFor } from "./bit-writer";
import { Exi4JsonError } from "./errors";
import { escapeKey } from "./key-escape";
import { toExiFloat } from "./number";
import {
  ARRAY_EE,
  ARRAY_WIDTH,
  BUILTIN_SE_ANY,
  BUILTIN_SECOND_WIDTH,
  DOC_WIDTH,
  KIND_DOC_CODE,
  KIND_NAME_ID,
  Kind,
  URI_JSON_CODE,
  URI_WIDTH,
} from "./schema";
import { LocalNameTable, ValueTable } from "./string-table";
import { DEFAULT_LIMITS, type EncodeOptions, type JsonObject, type JsonValue } from "./types";

/** EXI header: distinguishing bits 10, no options, final version 1 (EXI §5). */
export const EXI_HEADER = 0x80;

export function encodeDocument(value: JsonValue, options: EncodeOptions = {}): Uint8Array {
  const enc = new Encoder(options.maxDepth ?? DEFAULT_LIMITS.maxDepth);
  return enc.document(value);
}

class Encoder {
  private readonly w = new BitWriter();
  private readonly names = new LocalNameTable();
  private readonly values = new ValueTable();
  /** Raw JSON key → local-name id, so a repeated key skips escaping. */
  private readonly keyIds = new Map<string, number>();
  /** Learned SE(qname) productions of each key element, newest first (EXI §8.4.3). */
  private readonly grammars: Kind[][] = [];

  constructor(private readonly maxDepth: number) {}

  document(value: JsonValue): Uint8Array {
    this.w.octet(EXI_HEADER);
    const kind = kindOf(value);
    this.w.bits(DOC_WIDTH, KIND_DOC_CODE[kind]!); // SD has a single production: 0 bits
    this.content(kind, value, 0);
    return this.w.finish(); // EE and ED have single productions in strict mode: 0 bits
  }

  private content(kind: Kind, value: JsonValue, depth: number): void {
    switch (kind) {
      case Kind.Map:
        this.map(value as JsonObject, depth + 1);
        break;
      case Kind.Array:
        this.array(value as JsonValue[], depth + 1);
        break;
      case Kind.String:
        this.string(value as string);
        break;
      case Kind.Number:
        this.number(value as number);
        break;
      case Kind.Boolean:
        this.w.bits(1, value ? 1 : 0);
        break;
      default:
        break; // null: the empty type's only production is EE (0 bits)
    }
  }

  private map(obj: JsonObject, depth: number): void {
    if (depth > this.maxDepth) throw depthError(this.maxDepth);
    const w = this.w;
    for (const key of Object.keys(obj)) {
      const value = obj[key]!;
      w.bits(1, 0); // mapType: SE(j:*)
      const id = this.keyName(key);
      const kind = kindOf(value);
      this.keyStart(id, kind);
      this.content(kind, value, depth);
      w.bits(1, 0); // key element, ElementContent: EE
    }
    w.bits(1, 1); // mapType: EE
  }

  private array(items: JsonValue[], depth: number): void {
    if (depth > this.maxDepth) throw depthError(this.maxDepth);
    for (let i = 0; i < items.length; i++) {
      const value = items[i]!;
      const kind = kindOf(value);
      this.w.bits(ARRAY_WIDTH, kind);
      this.content(kind, value, depth);
    }
    this.w.bits(ARRAY_WIDTH, ARRAY_EE);
  }

  /** Local name of a key element: a table hit, or the escaped name as a new entry. */
  private keyName(key: string): number {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      const escaped = escapeKey(key);
      id = this.names.id(escaped);
      if (id === undefined) {
        this.w.unsigned(codePointLength(escaped) + 1);
        this.w.codePoints(escaped);
        id = this.names.add(escaped);
        this.keyIds.set(key, id);
        return id;
      }
      this.keyIds.set(key, id);
    }
    this.w.octet(0);
    this.w.bits(widthFor(this.names.size), id);
    return id;
  }

  /** StartTagContent of a key element: a learned SE(qname), or SE(*) that learns one. */
  private keyStart(id: number, kind: Kind): void {
    let learned = this.grammars[id];
    if (learned === undefined) {
      learned = [];
      this.grammars[id] = learned;
    }
    const k = learned.length;
    const width = widthFor(k + 1);
    const at = learned.indexOf(kind);
    if (at >= 0) {
      this.w.bits(width, at);
      return;
    }
    const w = this.w;
    w.bits(width, k);
    w.bits(BUILTIN_SECOND_WIDTH, BUILTIN_SE_ANY);
    w.bits(URI_WIDTH, URI_JSON_CODE);
    w.octet(0); // local-name hit
    w.bits(widthFor(this.names.size), KIND_NAME_ID[kind]!);
    learned.unshift(kind);
  }

  private string(s: string): void {
    const w = this.w;
    const id = this.values.id(s);
    if (id !== undefined) {
      w.octet(0); // local value hit
      w.bits(widthFor(this.values.size), id);
      return;
    }
    w.unsigned(codePointLength(s) + 2);
    w.codePoints(s);
    this.values.add(s, true);
  }

  private number(n: number): void {
    const f = toExiFloat(n);
    const w = this.w;
    w.bits(1, f.negative ? 1 : 0);
    if (typeof f.mantissa === "number") w.unsigned(f.negative ? f.mantissa - 1 : f.mantissa);
    else w.unsignedBig(f.negative ? f.mantissa - 1n : f.mantissa);
    const e = f.exponent;
    if (e < 0) {
      w.bits(1, 1);
      w.unsigned(-e - 1);
    } else {
      w.bits(1, 0);
      w.unsigned(e);
    }
  }
}

function kindOf(value: JsonValue): Kind {
  switch (typeof value) {
    case "string":
      return Kind.String;
    case "number":
      return Kind.Number;
    case "boolean":
      return Kind.Boolean;
    case "object": {
      if (value === null) return Kind.Null;
      if (Array.isArray(value)) return Kind.Array;
      const proto = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return Kind.Map;
      break;
    }
  }
  throw new Exi4JsonError("unsupported-value", `${describe(value)} is not a JSON value`);
}

function describe(value: unknown): string {
  if (typeof value === "object") return `an instance of ${value?.constructor?.name ?? "an unknown class"}`;
  return `a ${typeof value}`;
}

function depthError(max: number): Exi4JsonError {
  return new Exi4JsonError("depth-limit", `nesting deeper than ${max}`);
}
