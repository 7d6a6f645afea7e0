/* References: W3C Note "EXI for JSON" (j:* elements back to JSON); EXI 1.0 §5 header,
 * §8.4.3 built-in element grammars (learned SE(qname) for map keys), §8.5 schema-informed
 * grammars (strict), §7.1 datatypes, §7.3 string tables.
 * Only what the encoder's profile can produce is accepted; anything else is a typed error.
 * Every loop consumes input bits, lengths are checked against the bytes left before reading,
 * and the limits bound depth and output size. */
import type { BitReader } from "./bit-reader";
import { widthFor } from "./bit-writer";
import { Exi4JsonError } from "./errors";
import { unescapeKey } from "./key-escape";
import { decimalValue, fromExiFloat, integerValue } from "./number";
import {
  ARRAY_EE,
  ARRAY_WIDTH,
  BUILTIN_SE_ANY,
  BUILTIN_SECOND_WIDTH,
  DOC_CODE_KIND,
  DOC_WIDTH,
  Kind,
  kindOfNameId,
  OTHER_DECIMAL,
  OTHER_INTEGER,
  OTHER_WIDTH,
  URI_JSON_CODE,
  URI_WIDTH,
} from "./schema";
import { LocalNameTable, ValueTable } from "./string-table";
import type { DecodeLimits, JsonObject, JsonValue } from "./types";

/** Octets accepted for a Float mantissa (64-bit range, EXI §7.1.4) and exponent (14 bits). */
const MANTISSA_OCTETS = 10;
const EXPONENT_OCTETS = 3;
/** Octets accepted for an xs:integer or xs:decimal part: beyond 2^1024 a double is infinite. */
const BIG_OCTETS = 150;

export class Decoder {
  private readonly names = new LocalNameTable();
  private readonly values = new ValueTable();
  /** Unescaped JSON key per local-name id (null: the name is not a valid key). */
  private readonly keys: (string | undefined)[] = [];
  private readonly grammars: Kind[][] = [];
  private total = 0;

  constructor(
    private readonly r: BitReader,
    private readonly limits: Required<DecodeLimits>,
  ) {}

  document(): JsonValue {
    const code = this.r.bits(DOC_WIDTH);
    const kind = DOC_CODE_KIND[code];
    if (kind === undefined) throw invalid("root element is not an EXI4JSON element");
    return this.content(kind, 0);
  }

  private content(kind: Kind, depth: number): JsonValue {
    this.count(1);
    switch (kind) {
      case Kind.Map:
        return this.map(depth + 1);
      case Kind.Array:
        return this.array(depth + 1);
      case Kind.String:
        return this.string();
      case Kind.Number:
        return this.float();
      case Kind.Boolean:
        return this.r.bit() === 1;
      case Kind.Null:
        return null;
      default:
        return this.other();
    }
  }

  private map(depth: number): JsonObject {
    this.checkDepth(depth);
    const r = this.r;
    const obj: JsonObject = {};
    while (r.bit() === 0) {
      const id = this.localName();
      const key = this.keyFor(id);
      const value = this.content(this.keyStart(id), depth);
      if (r.bit() !== 0) throw invalid("a map entry holds more than one value");
      if (key === "__proto__") {
        Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
      } else {
        obj[key] = value;
      }
    }
    return obj;
  }

  private array(depth: number): JsonValue[] {
    this.checkDepth(depth);
    const r = this.r;
    const out: JsonValue[] = [];
    for (;;) {
      const code = r.bits(ARRAY_WIDTH);
      if (code === ARRAY_EE) return out;
      out.push(this.content(code as Kind, depth));
    }
  }

  /** Local name in the EXI4JSON namespace (EXI §7.1.7 QName, §7.3.2). */
  private localName(): number {
    const r = this.r;
    const n = r.unsigned();
    if (n === 0) {
      const id = r.bits(widthFor(this.names.size));
      if (id >= this.names.size) throw invalid("local-name id beyond the table");
      return id;
    }
    const name = r.codePoints(this.checkString(n - 1));
    if (this.names.id(name) !== undefined) throw invalid("local name sent as new but already in the table");
    return this.names.add(name);
  }

  private keyFor(id: number): string {
    let key = this.keys[id];
    if (key === undefined) {
      if (kindOfNameId(id) >= 0) {
        throw new Exi4JsonError(
          "invalid-key",
          `unescaped reserved key ${JSON.stringify(this.names.names[id])}`,
        );
      }
      key = unescapeKey(this.names.names[id]!);
      this.keys[id] = key;
    }
    return key;
  }

  /** StartTagContent of a key element: a learned SE(qname) or SE(*) with a j:* value element. */
  private keyStart(id: number): Kind {
    let learned = this.grammars[id];
    if (learned === undefined) {
      learned = [];
      this.grammars[id] = learned;
    }
    const r = this.r;
    const k = learned.length;
    const first = r.bits(widthFor(k + 1));
    if (first < k) return learned[first]!;
    if (first > k || r.bits(BUILTIN_SECOND_WIDTH) !== BUILTIN_SE_ANY) {
      throw invalid("a map entry must hold exactly one value element");
    }
    if (r.bits(URI_WIDTH) !== URI_JSON_CODE || r.unsigned() !== 0) {
      throw invalid("a map entry value is not an EXI4JSON element");
    }
    const nameId = r.bits(widthFor(this.names.size));
    const kind = kindOfNameId(nameId) as Kind | -1;
    if (kind < 0) throw invalid("a map entry value is not an EXI4JSON element");
    if (learned.includes(kind as Kind)) throw invalid("SE(*) used for an already learned element");
    learned.unshift(kind as Kind);
    return kind as Kind;
  }

  /** String value (EXI §7.3.3): local hit, global hit, or a literal added to the table. */
  private string(): string {
    const r = this.r;
    const n = r.unsigned();
    if (n < 2) {
      const size = this.values.size;
      const id = r.bits(widthFor(size));
      if (id >= size) throw invalid("string table id beyond the table");
      const s = this.values.values[id]!;
      this.count(s.length);
      return s;
    }
    const s = r.codePoints(this.checkString(n - 2));
    this.values.add(s, false);
    return s;
  }

  private float(): number {
    const r = this.r;
    const mNeg = r.bit() === 1;
    const mag = r.unsignedBig(MANTISSA_OCTETS);
    const mantissa = typeof mag === "number" ? (mNeg ? -(mag + 1) : mag) : mNeg ? -(mag + 1n) : mag;
    const eNeg = r.bit() === 1;
    const eMag = r.unsignedBig(EXPONENT_OCTETS) as number;
    return fromExiFloat(mantissa, eNeg ? -(eMag + 1) : eMag);
  }

  /** j:other: only the integer and decimal children have a JSON number form. */
  private other(): number {
    const r = this.r;
    const code = r.bits(OTHER_WIDTH);
    if (code === OTHER_INTEGER) {
      const neg = r.bit() === 1;
      return integerValue(neg, r.unsignedBig(BIG_OCTETS));
    }
    if (code === OTHER_DECIMAL) {
      const neg = r.bit() === 1;
      const integral = r.unsignedBig(BIG_OCTETS);
      return decimalValue(neg, integral, r.unsignedBig(BIG_OCTETS));
    }
    throw new Exi4JsonError("invalid-stream", `j:other child ${code} has no JSON form in this codec`);
  }

  private checkString(length: number): number {
    if (length > this.limits.maxStringLength) {
      throw new Exi4JsonError(
        "string-limit",
        `string of ${length} characters exceeds ${this.limits.maxStringLength}`,
      );
    }
    this.count(length);
    return length;
  }

  private checkDepth(depth: number): void {
    if (depth > this.limits.maxDepth) {
      throw new Exi4JsonError("depth-limit", `nesting deeper than ${this.limits.maxDepth}`);
    }
  }

  private count(n: number): void {
    this.total += n;
    if (this.total > this.limits.maxTotalSize) {
      throw new Exi4JsonError("size-limit", `decoded size exceeds ${this.limits.maxTotalSize}`);
    }
  }
}

function invalid(message: string): Exi4JsonError {
  return new Exi4JsonError("invalid-stream", message);
}
