/* Plain-text renderings of outcomes and status (history: history-text.ts), shared by chat, ad-hoc notes and the CLI;
 * the wording a device uses for the same things is shared/chat/replies.ts.
 * References: docs/design.md §3 (short plain-text replies, one per command). */
import { done, refused, formatValue as showValue } from "../../shared/chat/replies";
import type { Reading } from "../../shared/model";
import type { DeviceSnapshot } from "./device-info";
import type { ControlOutcome, ControlValue } from "./types";

export function outcomeText(device: string, channel: string, o: ControlOutcome): string {
  switch (o.kind) {
    case "done":
      return done(`${device} ${channel}`, o.value);
    case "refused":
      return refused(o.reason);
    case "offline":
      return `${device} is offline; the command was not delivered and will not run later. Try again when it is back.`;
    case "expired":
      return `Expired: ${device} got the command too late and did not apply it.`;
    case "timeout":
      return `Timed out: ${device} did not answer; the state of ${channel} is unknown.`;
    case "failed":
      return `Failed: ${device} could not set ${channel} (${o.reason}).`;
  }
}

/** "12:04:05Z" today, else "2026-11-20 12:04Z". */
export function when(t: number, now: number): string {
  const iso = new Date(t).toISOString();
  return now - t < 20 * 3_600_000 && now >= t
    ? `${iso.slice(11, 19)}Z`
    : `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

export interface StatusView {
  device: string;
  availability: string | undefined;
  since: number | undefined;
  snapshot: DeviceSnapshot;
}

/** A small aligned table: one line per channel (actuators first), then availability. */
export function statusTable(v: StatusView, now: number): string {
  const { meta, state, readings } = v.snapshot;
  const rows: string[][] = [];
  const units = new Map((meta?.channels ?? []).map((c) => [c.name, c.unit]));
  const actuators = new Set([
    ...(meta?.actuators ?? []).map((a) => a.name),
    ...(state?.actuators.keys() ?? []),
  ]);
  for (const name of actuators) {
    const s = state?.actuators.get(name);
    rows.push([name, s ? showValue(s.v) : "?", s ? when(s.t, now) : "-"]);
  }
  const seen = new Set(actuators);
  for (const c of meta?.channels ?? []) {
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    rows.push(readingRow(c.name, readings.get(c.name), units.get(c.name), now));
  }
  for (const [name, r] of readings) if (!seen.has(name)) rows.push(readingRow(name, r, undefined, now));
  const head = `${v.device}: ${v.availability ?? "availability unknown"}${v.since ? ` since ${when(v.since, now)}` : ""}`;
  if (rows.length === 0) return `${head}\nNo channels known yet.`;
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const lines = rows.map(
    (r) => `${(r[0] ?? "").padEnd(widths[0] ?? 0)}  ${(r[1] ?? "").padEnd(widths[1] ?? 0)}  ${r[2]}`,
  );
  return [head, ...lines].join("\n");
}

function readingRow(name: string, r: Reading | undefined, unit: string | undefined, now: number): string[] {
  if (!r) return [name, "?", "-"];
  return [name, `${showValue(r.v as ControlValue, unit)}${r.q ? ` (${r.q})` : ""}`, when(r.t, now)];
}
