/* The benchmark's printed report: one table row per target and S, the ratios the issue asks for,
 * and what each row's service reported about persistence. */
import type { CpuFigures, Row } from "./measure";
import type { TargetName } from "./targets";

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);
const cpu = (f: CpuFigures | undefined) => (f ? `${fixed(f.usPerDelivery)} µs ${fixed(f.percent)}%` : "-");
const kib = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(2)} KiB` : "n/a");

const COLUMNS: [string, number, (row: Row) => string][] = [
  ["target", 38, (r) => r.target.label],
  ["S", 3, (r) => String(r.subscribers)],
  ["publishes/s", 12, (r) => fixed(r.publishesPerSec)],
  ["deliveries/s", 13, (r) => fixed(r.deliveriesPerSec)],
  ["p50 ms", 8, (r) => fixed(r.p50, 1)],
  ["p99 ms", 8, (r) => fixed(r.p99, 1)],
  ["Prosody CPU/deliv", 18, (r) => cpu(r.prosody)],
  ["comp. CPU/deliv", 16, (r) => cpu(r.component)],
  ["peers CPU/deliv", 16, (r) => cpu(r.peers)],
  ["RSS MB", 7, (r) => (r.rss === undefined ? "-" : fixed(r.rss / 2 ** 20, 1))],
  ["missing", 8, (r) => String(r.expected - r.phase.delivered)],
];

export function formatTable(rows: Row[]): string {
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(COLUMNS[i]![1]) : cell.padStart(COLUMNS[i]![1]))).join(" ");
  return [
    line(COLUMNS.map(([name]) => name)),
    ...rows.map((row) => line(COLUMNS.map(([, , get]) => get(row)))),
  ].join("\n");
}

const find = (rows: Row[], name: TargetName, s: number) =>
  rows.find((r) => r.target.name === name && r.subscribers === s);

/** hub/do-nothing and hub/Prosody-persistent, per S, for the rows that ran. */
export function formatRatios(rows: Row[]): string[] {
  const out: string[] = [];
  for (const s of [...new Set(rows.map((r) => r.subscribers))]) {
    const hub = find(rows, "hub", s);
    if (!hub) continue;
    const nul = find(rows, "null", s);
    const persistent = find(rows, "prosody", s);
    const parts: string[] = [];
    if (nul) {
      parts.push(
        `hub/do-nothing: deliveries/s ${fixed(hub.deliveriesPerSec / nul.deliveriesPerSec, 2)}x (target ≥ 0.9x), ` +
          `p99 ${fixed(hub.p99 / nul.p99, 2)}x (target ≤ 1.5x)`,
      );
    }
    if (persistent) {
      parts.push(
        `hub/Prosody-persistent: deliveries/s ${fixed(hub.deliveriesPerSec / persistent.deliveriesPerSec, 1)}x ` +
          `(target ≥ 10x), publishes/s ${fixed(hub.publishesPerSec / persistent.publishesPerSec, 1)}x`,
      );
    }
    if (parts.length > 0) out.push(`S=${s}: ${parts.join("; ")}`);
  }
  return out;
}

/** Persistence as each service reported it, disk writes per publish, and failures. */
export function formatNotes(rows: Row[]): string[] {
  return rows.map((r) => {
    const persist = r.persistItems === undefined ? "not reported" : String(r.persistItems);
    const written = `disk writes/publish: Prosody ${kib(r.prosody.writtenPerPublish)}, component ${
      r.component ? kib(r.component.writtenPerPublish) : "-"
    }`;
    const failures =
      r.phase.errors > 0 ? `; ${r.phase.errors} publish errors (first: ${r.phase.firstError})` : "";
    const dup = r.phase.duplicates > 0 ? `; ${r.phase.duplicates} duplicate notifications` : "";
    return `${r.target.name} S=${r.subscribers}: persist_items ${persist}, items request after the run: ${r.itemsAfter}; ${written}${failures}${dup}`;
  });
}
