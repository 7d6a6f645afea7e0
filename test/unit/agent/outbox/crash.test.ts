/* Kills a real child process (SIGKILL, whole process group) while it appends to and acks in a file
 * outbox, then checks on reopen: every append the child saw resolve is present unless its ack
 * also resolved, every resolved ack stuck, nothing is duplicated, and the boot counter strictly
 * increased from one run to the next. */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFileOutboxStore } from "../../../../agent/outbox/file";

const CHILD = fileURLToPath(new URL("../../../helpers/agent/outbox-crash-child.ts", import.meta.url));
const ROUNDS = 20;
const POLICIES = ["always", "interval:20", "never"];

interface RunLog {
  counter: number;
  bootId: string;
  ok: string[];
  acked: Set<string>;
  /** Acks started; one killed mid-way may or may not have reached the log. */
  acking: Set<string>;
}

/** Runs the child until it has printed `killAfter` ok lines, then SIGKILLs its process group. */
function runChild(dir: string, fsync: string, killAfter: number): Promise<RunLog> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", CHILD, dir, fsync], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log: RunLog = { counter: -1, bootId: "", ok: [], acked: new Set(), acking: new Set() };
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
        else if (kind === "acking") log.acking.add(a);
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

describe("file outbox under SIGKILL", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "xiot-crash-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`keeps every confirmed append and ack over ${ROUNDS} killed runs`, { timeout: 180_000 }, async () => {
    const counters: number[] = [];
    const expected = new Set<string>();
    /** Appends cut off by the kill: the record may or may not be there. */
    const inFlight = new Set<string>();
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const run = await runChild(dir, POLICIES[round % POLICIES.length]!, rand(400));
      counters.push(run.counter);
      for (const id of run.ok) if (!run.acking.has(id)) expected.add(id);
      inFlight.add(`${run.bootId}-${run.ok.length}`);

      const store = await openFileOutboxStore({ dir, limits: { maxRecords: 1_000_000, policy: "pause" } });
      const present = store.list().map((r) => r.itemId);
      const keys = store.list().map((r) => r.key);
      await store.close();
      expect(new Set(present).size).toBe(present.length);
      expect(keys).toEqual([...keys].sort((a, b) => a - b));
      const missing = [...expected].filter((id) => !present.includes(id));
      expect(missing).toEqual([]);
      const unsure = [...run.acking].filter((id) => !run.acked.has(id));
      expect(unsure.length).toBeLessThanOrEqual(1);
      // An ack cut off by the kill leaves its record either queued (published again) or gone.
      for (const id of unsure) if (present.includes(id)) expected.add(id);
      const unexplained = present.filter((id) => !expected.has(id) && !inFlight.has(id));
      expect(unexplained).toEqual([]);
      const resurrected = present.filter((id) => run.acked.has(id));
      expect(resurrected).toEqual([]);
    }
    for (let i = 1; i < counters.length; i++) expect(counters[i]).toBeGreaterThan(counters[i - 1]!);
    expect(counters[0]).toBe(0);
  });
});
