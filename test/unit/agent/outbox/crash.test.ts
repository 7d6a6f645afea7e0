/* Kills a real child process (SIGKILL, whole process group) while it appends to and acks in a file
 * outbox, then checks on reopen: every append the child reported resolved is present unless it was
 * acknowledged, every acknowledged record stays gone, nothing is duplicated, and the boot counter
 * strictly increased from one run to the next. */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFileOutboxStore } from "../../../../agent/outbox/file";

const CHILD = fileURLToPath(new URL("../../../helpers/agent/outbox-crash-child.ts", import.meta.url));
// XIOT_CRASH_ROUNDS raises the count for a longer soak; 20 is the floor.
const ROUNDS = Math.max(20, Number(process.env.XIOT_CRASH_ROUNDS ?? 20));
const POLICIES = ["always", "interval:20", "never"];

interface RunLog {
  counter: number;
  bootId: string;
  ok: string[];
  acked: Set<string>;
}

/** Runs the child until it has printed `killAfter` ok lines, then SIGKILLs its process group. */
function runChild(dir: string, fsync: string, killAfter: number): Promise<RunLog> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", CHILD, dir, fsync], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log: RunLog = { counter: -1, bootId: "", ok: [], acked: new Set() };
    let buffered = "";
    let stderr = "";
    let killed = false;
    const kill = () => {
      if (killed || child.pid === undefined) return;
      killed = true;
      process.kill(-child.pid, "SIGKILL");
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? ""; // an unfinished line proves nothing
      for (const line of lines) {
        const [kind, a = "", b = ""] = line.split(" ");
        if (kind === "boot") {
          log.counter = Number(a);
          log.bootId = b;
        } else if (kind === "ok") log.ok.push(a);
        else if (kind === "ack") log.acked.add(a);
      }
      if (log.ok.length >= killAfter) kill();
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    // "close", not "exit": lines the child wrote before the kill are still in the pipe.
    child.on("close", (code, signal) => {
      if (killed && signal === "SIGKILL") resolve(log);
      else if (!killed) reject(new Error(`child exited early (${code ?? signal}): ${stderr}`));
      else reject(new Error(`child ended by ${code ?? signal}, not SIGKILL`));
    });
  });
}

/**
 * What the child's output proves. It works one operation at a time (append seq s, then ack it
 * unless s % 3 == 1, then append s + 1). Output lost to the kill (a pipe write still queued in the
 * child) can only be a suffix, so the `ok` lines seen are seqs 0..last. Hence: every record present
 * before this run is still there (nobody acks it); seqs ≤ last with s % 3 == 1 are present; seqs
 * < last with s % 3 != 1 were acked before the next append began, so they are gone; seq `last`
 * (its ack may have run) and later seqs (their appends may have run) may go either way.
 */
function verdict(run: RunLog, before: Set<string>, present: Set<string>) {
  const last = run.ok.length - 1;
  const id = (seq: number) => `${run.bootId}-${seq}`;
  const must = new Set(before);
  const mustNot = new Set(run.acked);
  for (let seq = 0; seq <= last; seq++) {
    if (seq % 3 === 1) must.add(id(seq));
    else if (seq < last) mustNot.add(id(seq));
  }
  const either = (x: string) =>
    x.startsWith(`${run.bootId}-`) && Number(x.slice(run.bootId.length + 1)) >= last;
  return {
    missing: [...must].filter((x) => !present.has(x)),
    resurrected: [...present].filter((x) => mustNot.has(x)),
    unexplained: [...present].filter((x) => !must.has(x) && !mustNot.has(x) && !either(x)),
  };
}

describe("file outbox under SIGKILL", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "xiot-crash-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`keeps every confirmed append and ack over ${ROUNDS} killed runs`, {
    timeout: 180_000 + ROUNDS * 5_000,
  }, async () => {
    const counters: number[] = [];
    let before = new Set<string>();
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const run = await runChild(dir, POLICIES[round % POLICIES.length]!, rand(400));
      counters.push(run.counter);
      const store = await openFileOutboxStore({ dir, limits: { maxRecords: 1_000_000, policy: "pause" } });
      const present = store.list().map((r) => r.itemId);
      const keys = store.list().map((r) => r.key);
      await store.close();
      expect(new Set(present).size).toBe(present.length);
      expect(keys).toEqual([...keys].sort((a, b) => a - b));
      const v = verdict(run, before, new Set(present));
      expect(v).toEqual({ missing: [], resurrected: [], unexplained: [] });
      before = new Set(present);
    }
    for (let i = 1; i < counters.length; i++) expect(counters[i]).toBeGreaterThan(counters[i - 1]!);
    expect(counters[0]).toBe(0);
  });
});
