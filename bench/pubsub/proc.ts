/* Per-process CPU time, resident memory and disk writes from Linux /proc, and small statistics.
 * References: proc(5): /proc/<pid>/stat fields 14-15 (utime, stime in clock ticks),
 * /proc/<pid>/status (VmRSS), /proc/<pid>/io (write_bytes), /proc/<pid>/schedstat (time spent
 * runnable but waiting for a CPU, main thread), /proc/stat (machine-wide busy and idle time). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

/** sysconf(_SC_CLK_TCK); 100 on every Linux this runs on, asked once to be sure. */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const answer = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    ticksPerSecond = Number.isFinite(answer) && answer > 0 ? answer : 100;
  }
  return ticksPerSecond;
}

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces and parentheses: split after its closing one.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** VmRSS in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Bytes the process caused to be written to storage (write_bytes), or NaN where /proc/<pid>/io
 * is not readable (another user's process, or a kernel without task I/O accounting). */
export function writtenBytes(pid: number): number {
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    const match = /^write_bytes:\s+(\d+)/m.exec(io);
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    // Unreadable accounting is reported as "n/a" rather than stopping the run.
    return Number.NaN;
  }
}

/** Seconds the process's main thread was runnable but waited for a CPU (schedstat field 2). */
export function runQueueSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(" ");
    return Number(fields[1]) / 1e9;
  } catch {
    // Kernels built without schedstats have no such file: reported as "n/a".
    return Number.NaN;
  }
}

export interface ProcSample {
  cpu: number;
  written: number;
  waited: number;
}

export function sample(pid: number): ProcSample {
  return { cpu: cpuSeconds(pid), written: writtenBytes(pid), waited: runQueueSeconds(pid) };
}

/** Machine-wide CPU seconds busy and in total, summed over all CPUs (/proc/stat "cpu" line). */
export function hostSample(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy: busy / clockTicks(), total: (busy + idle! + iowait!) / clockTicks() };
}

/** Value at quantile q (0..1) of the first `count` entries, nearest-rank; sorts a copy. */
export function quantile(values: Float64Array, count: number, q: number): number {
  if (count === 0) return Number.NaN;
  const sorted = values.slice(0, count).sort();
  const rank = Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
  return sorted[rank]!;
}
