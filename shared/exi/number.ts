/* References: EXI 1.0 §7.1.4 Float (mantissa and base-10 exponent, each an EXI Integer;
 * exponent −2^14 reserved for INF/NaN), §7.1.5 Integer, §7.1.3 Decimal; ECMAScript
 * Number::toString (shortest round-tripping decimal digits).
 * A double is written as the shortest decimal that reads back to it, with trailing zeros moved
 * into the exponent: 40 → 4E1, 21.5 → 215E-1, -0 → 0E0. */
import { Exi4JsonError } from "./errors";
import { FLOAT_EXP_MAX, FLOAT_EXP_SPECIAL } from "./schema";

/** Canonical EXI Float of a finite double: |value| = mantissa × 10^exponent. */
export interface ExiFloat {
  negative: boolean;
  /** Magnitude of the mantissa: a number when below 2^53, else a bigint (at most 17 digits). */
  mantissa: number | bigint;
  exponent: number;
}

export function toExiFloat(value: number): ExiFloat {
  if (!Number.isFinite(value)) {
    throw new Exi4JsonError("non-finite-number", `${value} has no JSON or EXI4JSON form`);
  }
  const negative = value < 0;
  let a = negative ? -value : value;
  if (a === 0) return { negative: false, mantissa: 0, exponent: 0 };
  if (a <= Number.MAX_SAFE_INTEGER && Number.isInteger(a)) {
    let exponent = 0;
    while (a % 10 === 0) {
      a /= 10;
      exponent++;
    }
    return { negative, mantissa: a, exponent };
  }
  return fromShortestDigits(negative, a.toString());
}

/** Parses ECMAScript's shortest form ("1.5", "0.00012", "1.5e-7", "1e+21"). */
function fromShortestDigits(negative: boolean, s: string): ExiFloat {
  const e = s.indexOf("e");
  let exponent = e < 0 ? 0 : Number(s.slice(e + 1));
  const m = e < 0 ? s : s.slice(0, e);
  const dot = m.indexOf(".");
  let digits = m;
  if (dot >= 0) {
    digits = m.slice(0, dot) + m.slice(dot + 1);
    exponent -= m.length - dot - 1;
  }
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 48) start++;
  let end = digits.length;
  while (end > start + 1 && digits.charCodeAt(end - 1) === 48) {
    end--;
    exponent++;
  }
  digits = digits.slice(start, end);
  const mantissa = digits.length <= 15 ? Number(digits) : BigInt(digits);
  return { negative, mantissa, exponent };
}

/** The double nearest to ±mantissa × 10^exponent, refusing INF/NaN and values beyond a double. */
export function fromExiFloat(mantissa: number | bigint, exponent: number): number {
  if (exponent === FLOAT_EXP_SPECIAL) {
    throw new Exi4JsonError("non-finite-number", "stream carries INF or NaN, which JSON cannot hold");
  }
  if (exponent > FLOAT_EXP_MAX || exponent < -FLOAT_EXP_MAX) {
    throw new Exi4JsonError("invalid-value", `float exponent ${exponent} out of range`);
  }
  let v: number;
  if (
    typeof mantissa === "number" &&
    mantissa <= Number.MAX_SAFE_INTEGER &&
    mantissa >= -Number.MAX_SAFE_INTEGER
  ) {
    // Both operands exact: one IEEE operation rounds correctly (the classic fast path).
    if (exponent === 0) v = mantissa;
    else if (exponent > 0 && exponent <= 22) v = mantissa * POW10[exponent]!;
    else if (exponent < 0 && exponent >= -22) v = mantissa / POW10[-exponent]!;
    else v = Number(`${mantissa}e${exponent}`);
  } else {
    v = Number(`${mantissa}e${exponent}`);
  }
  if (!Number.isFinite(v)) {
    throw new Exi4JsonError("non-finite-number", `${mantissa}E${exponent} is beyond the range of a double`);
  }
  return v === 0 ? 0 : v;
}

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** JSON number for an EXI Integer read as sign + magnitude (nearest double when not exact). */
export function integerValue(negative: boolean, magnitude: number | bigint): number {
  const v =
    typeof magnitude === "number"
      ? negative
        ? -(magnitude + 1)
        : magnitude
      : Number(negative ? -(magnitude + 1n) : magnitude);
  if (!Number.isFinite(v))
    throw new Exi4JsonError("non-finite-number", "integer beyond the range of a double");
  return v === 0 ? 0 : v;
}

/** JSON number for an EXI Decimal: sign, integral part, fractional digits in reverse order. */
export function decimalValue(
  negative: boolean,
  integral: number | bigint,
  reversedFraction: number | bigint,
): number {
  const frac = String(reversedFraction).split("").reverse().join("");
  const v = Number(`${negative ? "-" : ""}${integral}.${frac}`);
  if (!Number.isFinite(v))
    throw new Exi4JsonError("non-finite-number", "decimal beyond the range of a double");
  return v === 0 ? 0 : v;
}
