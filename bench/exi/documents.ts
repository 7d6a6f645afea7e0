/* Readings documents for the EXI4JSON benchmark: docs/design.md §2 row layout (v1) and a columnar
 * layout (same readings, one array per field). Deterministic, no randomness. */
import type { JsonObject, JsonValue } from "../../shared/exi/index";

const CHANNELS = ["temperature", "humidity", "pressure", "relay", "door"] as const;
const T0 = 1732200000123;

interface Reading {
  c: string;
  t: number;
  v: number | boolean;
  q?: string;
}

function readings(n: number): Reading[] {
  const out: Reading[] = [];
  for (let i = 0; i < n; i++) {
    const c = CHANNELS[i % CHANNELS.length]!;
    const t = T0 + Math.floor(i / CHANNELS.length) * 60_000 + (i % CHANNELS.length) * 7;
    const v =
      c === "temperature"
        ? Math.round((21 + Math.sin(i / 7) * 2) * 100) / 100
        : c === "humidity"
          ? 40 + (i % 9)
          : c === "pressure"
            ? Math.round((1013.25 + Math.cos(i / 5) * 3) * 10) / 10
            : i % 3 === 0;
    const r: Reading = { c, t, v };
    if (i % 11 === 5) r.q = "estimate";
    out.push(r);
  }
  return out;
}

const head = { dev: "pi-kitchen-01", boot: "12-a3f9", seq: 1042, clk: "sync" };

export function rowDocument(n: number): JsonObject {
  return { v: 1, ...head, r: readings(n) as unknown as JsonValue[] };
}

export function columnarDocument(n: number): JsonObject {
  const rs = readings(n);
  return {
    v: 2,
    ...head,
    c: rs.map((r) => r.c),
    t: rs.map((r) => r.t),
    x: rs.map((r) => r.v),
    q: rs.map((r) => r.q ?? null),
  };
}
