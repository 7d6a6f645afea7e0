/* Reading values in and out of SQLite columns (./sqlite-schema.ts): `v` and its kind `k`. */
import type { ReadingValue } from "../../shared/model";

export type Stored = { v: number | string; k: number | null };

export function toColumns(value: ReadingValue): Stored {
  if (typeof value === "number") return { v: value, k: null };
  if (typeof value === "boolean") return { v: value ? 1 : 0, k: 1 };
  return { v: value, k: 2 };
}

export function fromColumns(v: number | string, k: number | null): ReadingValue {
  if (k === 1) return v === 1;
  if (k === 2) return String(v);
  return Number(v);
}
