/* The fault campaign's oracles, as pure functions over what the run left behind.
 *
 * Readings: every reading that passed the agent's filters (batched.jsonl, all boots) is stored in
 * the hub exactly once, or counted in a `gap` (docs/design.md §2). The open document of an agent
 * killed with SIGKILL is journalled (agent/readings/journal.ts) and published at the next start,
 * so it is no exception. The one reading that may be missing is the last a killed run batched:
 * its debug record (batched.jsonl) is written just before its journal line. It is printed apart.
 *
 * Commands: every actuation in the agent's actuator log comes from a command the controller sent
 * with authority (through the hub, whose control log names the actor, or directly with its own
 * `<cmd/>`), at most once per command id, and not after `issued + ttl` by the hub's clock (one host:
 * the same clock as the agent's). */
import type { Reading, ReadingsDocument } from "../../../shared/model";
import { readingKey } from "../agent/e2e";

export interface AgentRunRecord {
  boot?: string;
  start: number;
  end: number;
  /** How the run ended: killed by the campaign, stopped gracefully, or exited on its own. */
  how: "SIGKILL" | "SIGTERM" | "exited";
}

export interface ReadingsCounts {
  generated: number;
  stored: number;
  duplicates: number;
  /** Stored readings the agent never generated. */
  phantom: number;
  gapDocuments: number;
  gaps: number;
  /** The last reading of a killed run, recorded but not yet journalled at the kill. */
  lostAtKill: number;
  /** Readings neither stored nor in a gap (and not the last reading of a killed run). */
  unaccounted: number;
  /** Gap readings beyond what is missing (a gap counting stored readings). */
  overcounted: number;
}

export interface RunBalance {
  run: number;
  boot?: string;
  how: AgentRunRecord["how"];
  generated: number;
  stored: number;
  gaps: number;
  missing: number;
  /** Missing readings taken in the run's last windowMs. */
  lateMissing: number;
}

export function readingsOracle(a: {
  batched: Reading[];
  runs: AgentRunRecord[];
  docs: ReadingsDocument[];
  /** The kill window: batch.maxDelayMs plus how long an append may take under load. */
  windowMs: number;
}): { counts: ReadingsCounts; runs: RunBalance[]; problems: string[] } {
  const problems: string[] = [];
  const runOf = (t: number) => a.runs.findIndex((r) => t >= r.start && t <= r.end);
  const storedKeys = a.docs.flatMap((d) => d.r.map(readingKey));
  const unique = new Set(storedKeys);
  const generatedKeys = new Set(a.batched.map(readingKey));
  const phantom = [...unique].filter((k) => !generatedKeys.has(k));
  // Boots → runs, from the runs' boot lines and from where their stored readings fall.
  const bootRun = new Map<string, number>();
  for (const [i, r] of a.runs.entries()) if (r.boot) bootRun.set(r.boot, i);
  for (const d of a.docs) {
    const first = d.r[0];
    if (!bootRun.has(d.boot) && first) bootRun.set(d.boot, runOf(first.t));
  }
  const gapsBy = new Map<number, number>();
  let gaps = 0;
  let gapDocuments = 0;
  for (const d of a.docs) {
    if (!d.gap) continue;
    gapDocuments++;
    gaps += d.gap.n;
    const boot = d.gap.boot ?? d.boot;
    const run = bootRun.get(boot) ?? -1;
    if (run < 0) problems.push(`gap of ${d.gap.n} in ${d.boot}-${d.seq} names boot ${boot}, of no known run`);
    gapsBy.set(run, (gapsBy.get(run) ?? 0) + d.gap.n);
  }
  const balances: RunBalance[] = [];
  let lostAtKill = 0;
  let unaccounted = 0;
  let overcounted = 0;
  a.runs.forEach((run, i) => {
    const batched = a.batched.filter((r) => runOf(r.t) === i);
    const missing = batched.filter((r) => !unique.has(readingKey(r)));
    const lateMissing = missing.filter((r) => r.t >= run.end - a.windowMs).length;
    const last = batched.at(-1);
    const lastMissing = last !== undefined && missing.includes(last);
    const stored = batched.length - missing.length;
    const g = gapsBy.get(i) ?? 0;
    balances.push({
      run: i,
      boot: run.boot,
      how: run.how,
      generated: batched.length,
      stored,
      gaps: g,
      missing: missing.length,
      lateMissing,
    });
    if (g > missing.length) {
      overcounted += g - missing.length;
      problems.push(
        `run ${i} (${run.boot}): gaps count ${g} readings but only ${missing.length} are missing`,
      );
    }
    const lost = Math.max(0, missing.length - g);
    if (lost === 0) return;
    const killable = run.how === "SIGKILL" && lastMissing ? 1 : 0;
    lostAtKill += killable;
    if (lost > killable) {
      unaccounted += lost - killable;
      problems.push(
        `run ${i} (${run.boot}, ended by ${run.how}): ${lost - killable} readings neither stored nor in a gap` +
          ` (${lateMissing} of them taken in its last ${a.windowMs} ms)`,
      );
    }
  });
  const outside = a.batched.filter((r) => runOf(r.t) < 0).length;
  if (outside > 0) problems.push(`${outside} batched readings fall in no run's time window`);
  if (storedKeys.length !== unique.size)
    problems.push(`${storedKeys.length - unique.size} readings stored twice`);
  if (phantom.length > 0) problems.push(`${phantom.length} stored readings were never generated`);
  return {
    counts: {
      generated: a.batched.length,
      stored: unique.size,
      duplicates: storedKeys.length - unique.size,
      phantom: phantom.length,
      gapDocuments,
      gaps,
      lostAtKill,
      unaccounted,
      overcounted,
    },
    runs: balances,
    problems,
  };
}

export interface Actuation {
  t: number;
  channel: string;
  value: unknown;
  from: string;
  via: string;
  cmd?: string;
}

export interface IssuedCommand {
  id: string;
  /** Hub clock, ms. */
  issued: number;
  ttl: number;
  /** Who asked (the hub's control log actor, or the sender of a direct command). */
  actor: string;
}

export interface CommandCounts {
  actuations: number;
  viaHub: number;
  direct: number;
  safeState: number;
  unauthorised: number;
  late: number;
  appliedTwice: number;
  /** Largest actuation time minus issued + ttl (negative: all in time). */
  worstMarginMs: number;
}

export function commandsOracle(a: {
  actuations: Actuation[];
  /** Commands the hub issued (first "issued" line per id). */
  viaHub: IssuedCommand[];
  /** Commands the controller (or the stranger) sent to the agent itself. */
  direct: IssuedCommand[];
  hubJid: string;
  /** Bare JIDs with authority over the device. */
  authorised: ReadonlySet<string>;
}): { counts: CommandCounts; problems: string[] } {
  const problems: string[] = [];
  const hub = new Map(a.viaHub.map((c) => [c.id, c]));
  const direct = new Map(a.direct.map((c) => [c.id, c]));
  const seen = new Map<string, number>();
  const counts: CommandCounts = {
    actuations: a.actuations.length,
    viaHub: 0,
    direct: 0,
    safeState: 0,
    unauthorised: 0,
    late: 0,
    appliedTwice: 0,
    worstMarginMs: Number.NEGATIVE_INFINITY,
  };
  for (const c of a.viaHub) {
    if (!a.authorised.has(c.actor))
      problems.push(`the hub issued ${c.id} for ${c.actor}, who has no authority`);
  }
  for (const line of a.actuations) {
    const what = `${line.channel}=${String(line.value)} at ${new Date(line.t).toISOString()} from ${line.from} via ${line.via}`;
    if (line.via === "safe-state" && line.from === "agent") {
      counts.safeState++;
      continue;
    }
    const cmd =
      line.cmd === undefined ? undefined : line.from === a.hubJid ? hub.get(line.cmd) : direct.get(line.cmd);
    if (!cmd || !a.authorised.has(cmd.actor)) {
      counts.unauthorised++;
      problems.push(`actuation without authority: ${what} (cmd ${line.cmd ?? "none"})`);
      continue;
    }
    if (line.from === a.hubJid) counts.viaHub++;
    else counts.direct++;
    const n = (seen.get(cmd.id) ?? 0) + 1;
    seen.set(cmd.id, n);
    if (n > 1) {
      counts.appliedTwice++;
      problems.push(`command ${cmd.id} actuated ${n} times: ${what}`);
    }
    const margin = line.t - (cmd.issued + cmd.ttl);
    counts.worstMarginMs = Math.max(counts.worstMarginMs, margin);
    if (margin > 0) {
      counts.late++;
      problems.push(
        `command ${cmd.id} (ttl ${cmd.ttl} ms) actuated ${margin} ms after issued + ttl: ${what}`,
      );
    }
  }
  return { counts, problems };
}
