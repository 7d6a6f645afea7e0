/* The benchmark's printed report: one table row per target and S, the ratios the issue asks for,
 * and what each row's service reported about persistence. */
import type { Row } from "./measure";
import type { TargetName } from "./targets";

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);
const kib = (bytes: number | undefined) => (bytes === undefined ? "-" : fixed(bytes / 1024, 2));
const pct = (value: number | undefined) => (value === undefined ? "-" : `${fixed(value)}%`);

type Column = [name: string, width: number, get: (row: Row) => string];

const target: Column = ["target", 38, (r) => r.target.label];
const s: Column = ["S", 3, (r) => String(r.subscribers)];

const THROUGHPUT: Column[] = [
  target,
  s,
  ["publishes/s", 12, (r) => fixed(r.publishesPerSec)],
  ["deliveries/s", 13, (r) => fixed(r.deliveriesPerSec)],
  ["p50 ms", 8, (r) => fixed(r.p50, 1)],
  ["p99 ms", 8, (r) => fixed(r.p99, 1)],
  ["Prosody µs/deliv", 17, (r) => fixed(r.prosody.usPerDelivery)],
  ["comp. µs/deliv", 15, (r) => (r.component ? fixed(r.component.usPerDelivery) : "-")],
  ["RSS MB", 7, (r) => (r.rss === undefined ? "-" : fixed(r.rss / 2 ** 20, 1))],
  ["missing", 8, (r) => String(r.expected - r.phase.delivered)],
];

/** Where the time went: CPU and run-queue wait as % of one core, machine load, disk writes. */
const RESOURCES: Column[] = [
  target,
  s,
  ["Prosody cpu", 12, (r) => pct(r.prosody.percent)],
  ["wait", 5, (r) => pct(r.prosody.waitPercent)],
  ["comp. cpu", 10, (r) => pct(r.component?.percent)],
  ["wait", 5, (r) => pct(r.component?.waitPercent)],
  ["peers cpu", 10, (r) => pct(r.peers.percent)],
  ["wait", 5, (r) => pct(r.peers.waitPercent)],
  ["host busy", 10, (r) => `${fixed(r.hostCores, 2)} c`],
  ["others", 8, (r) => `${fixed(r.otherCores, 2)} c`],
  ["Prosody KiB/pub", 16, (r) => kib(r.prosody.writtenPerPublish)],
  ["comp. KiB/pub", 14, (r) => kib(r.component?.writtenPerPublish)],
];

function formatColumns(columns: Column[], rows: Row[]): string {
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(columns[i]![1]) : cell.padStart(columns[i]![1]))).join(" ");
  return [
    line(columns.map(([name]) => name)),
    ...rows.map((row) => line(columns.map(([, , get]) => get(row)))),
  ].join("\n");
}

export const formatTable = (rows: Row[]) => formatColumns(THROUGHPUT, rows);
export const formatResources = (rows: Row[]) => formatColumns(RESOURCES, rows);

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

/** Per target and S, the round with the most deliveries/s; rows keep the order they ran in. */
export function bestRounds(rows: Row[]): Row[] {
  const best = new Map<string, Row>();
  for (const row of rows) {
    const key = `${row.target.name}/${row.subscribers}`;
    const seen = best.get(key);
    if (!seen || row.deliveriesPerSec > seen.deliveriesPerSec) best.set(key, row);
  }
  const order = [...new Set(rows.map((r) => r.subscribers))];
  return [...best.values()].sort((a, b) => order.indexOf(a.subscribers) - order.indexOf(b.subscribers));
}

/** Persistence as each service reported it, every round's deliveries/s, and failures. */
export function formatNotes(best: Row[], all: Row[]): string[] {
  return best.map((r) => {
    const same = all.filter((x) => x.target.name === r.target.name && x.subscribers === r.subscribers);
    const persist = r.persistItems === undefined ? "not reported" : String(r.persistItems);
    const parts = [
      `deliveries/s by round ${same.map((x) => fixed(x.deliveriesPerSec)).join(", ")}`,
      `persist_items ${persist}, items request after the run: ${r.itemsAfter}`,
    ];
    for (const [i, x] of same.entries()) {
      const missing = x.expected - x.phase.delivered;
      if (x.phase.errors > 0)
        parts.push(`round ${i + 1}: ${x.phase.errors} publish errors (${x.phase.firstError})`);
      if (missing > 0) parts.push(`round ${i + 1}: ${missing} notifications missing`);
      if (x.phase.duplicates > 0) parts.push(`round ${i + 1}: ${x.phase.duplicates} duplicate notifications`);
    }
    return `${r.target.name} S=${r.subscribers}: ${parts.join("; ")}`;
  });
}
