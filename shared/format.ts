/* How a value reads for people, the same in chat replies, the hub's status table and the
 * dashboard: booleans as on/off, numbers rounded for reading with their unit after a space,
 * strings as they are. Pure; no locale (a reply must read the same on every host).
 * References: docs/design.md §2 (readings values: number, boolean or string; units live in meta),
 * docs/design.md §3 (short plain-text replies). */

export type FormatValue = boolean | number | string;

/** Digits after the point when no resolution is given: 2 below 100, 1 up to 10 000, then none. */
function defaultDecimals(magnitude: number): number {
  if (magnitude < 100) return 2;
  return magnitude < 10_000 ? 1 : 0;
}

/** Digits after the point that a step such as 0.1, 0.05 or 1 needs. */
export function decimalsOf(resolution: number): number {
  if (!Number.isFinite(resolution) || resolution <= 0) return 0;
  const [mantissa = "", exponent] = resolution.toExponential().split("e");
  const fraction = mantissa.split(".")[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/**
 * A number for reading. With `resolution` (the channel's step, e.g. 0.1), exactly as many digits
 * as the step has (`21.0`); without, at most 2 digits after the point below 100 (1 below 10 000,
 * none above), trailing zeros dropped (`21.5`, `1013.2`, `3`); a small non-zero value keeps 3
 * significant digits (`0.00123`). Never `-0`.
 */
export function formatNumber(n: number, resolution?: number): string {
  if (!Number.isFinite(n)) return String(n);
  const magnitude = Math.abs(n);
  let text: string;
  if (resolution !== undefined && resolution > 0) {
    text = (Math.round(n / resolution) * resolution).toFixed(Math.min(20, decimalsOf(resolution)));
  } else if (magnitude !== 0 && magnitude < 0.01) {
    text = String(Number(n.toPrecision(3)));
  } else if (magnitude >= 1e21) {
    text = String(n);
  } else {
    text = String(Number(n.toFixed(defaultDecimals(magnitude))));
  }
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** A value for reading: `on`/`off`, `21.5 °C`, or the text itself. */
export function formatValue(value: FormatValue, unit?: string, resolution?: number): string {
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "number") {
    const n = formatNumber(value, resolution);
    return unit ? `${n} ${unit}` : n;
  }
  return value;
}
