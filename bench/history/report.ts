/* The figures of one run, per engine, and the targets as ratios in the same run. */

export interface Figures {
  name: string;
  feed: string;
  readings: number;
  ingestS: number;
  bytes: number;
  /** Median ms per query, and what each answered (must agree across engines). */
  queries: Record<QueryName, { ms: number; answer: number }>;
}

export type QueryName = "raw 24 h" | "30 d at 1 h" | "30 d max of 100";
export const QUERIES: readonly QueryName[] = ["raw 24 h", "30 d at 1 h", "30 d max of 100"];

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printFigures(all: readonly Figures[]): void {
  console.log(
    `\n${pad("engine", 18)}${pad("fed by", 28)}${pad("readings/s", 12)}${pad("B/reading", 11)}` +
      QUERIES.map((q) => pad(`${q} ms`, 20)).join(""),
  );
  for (const f of all)
    console.log(
      pad(f.name, 18) +
        pad(f.feed, 28) +
        pad(num(f.readings / f.ingestS), 12) +
        pad(num(f.bytes / f.readings, 3), 11) +
        QUERIES.map((q) => pad(`${num(f.queries[q].ms, 2)} (=${num(f.queries[q].answer, 2)})`, 20)).join(""),
    );
}

/** The targets: bytes ≤ InfluxDB and ≤ 2× VictoriaMetrics; ingest ≥ InfluxDB; queries ≤ InfluxDB. */
export function printTargets(all: readonly Figures[]): void {
  const influx = all.find((f) => f.name === "InfluxDB");
  const vm = all.find((f) => f.name === "VictoriaMetrics");
  for (const f of all.filter((x) => x.name.startsWith("xiot"))) {
    const lines: string[] = [];
    const bpr = f.bytes / f.readings;
    const rate = f.readings / f.ingestS;
    if (influx) {
      const ib = influx.bytes / influx.readings;
      lines.push(
        `bytes/reading ${num(bpr / ib, 2)}x InfluxDB's (target ≤ 1): ${bpr <= ib ? "met" : "missed"}`,
      );
      const ir = influx.readings / influx.ingestS;
      lines.push(`ingest ${num(rate / ir, 2)}x InfluxDB's (target ≥ 1): ${rate >= ir ? "met" : "missed"}`);
      for (const q of QUERIES) {
        const r = f.queries[q].ms / influx.queries[q].ms;
        lines.push(`${q}: ${num(r, 2)}x InfluxDB's time (target ≤ 1): ${r <= 1 ? "met" : "missed"}`);
      }
    }
    if (vm) {
      const vb = vm.bytes / vm.readings;
      lines.push(
        `bytes/reading ${num(bpr / vb, 2)}x VictoriaMetrics' (target ≤ 2): ${bpr <= 2 * vb ? "met" : "missed"}`,
      );
    }
    console.log(`\n${f.name}:\n  ${lines.join("\n  ")}`);
  }
}
