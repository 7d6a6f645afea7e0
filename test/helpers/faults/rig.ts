/* The fault campaign's stack and its faults: a real Prosody (`xiot server`), the hub on its own
 * small disk, one agent on its own small disk behind a fault proxy; each fault injected, held and
 * undone, then the stack given time to come back (awaited on log lines, with deadlines).
 * Processes the rig did not kill but that exited are recorded and started again. */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHoldingProxy } from "../../e2e/control-setup";
import type { Account, TestServer } from "../../e2e/server";
import { type AgentRun, eventually, runAgent } from "../agent/e2e";
import { type CliProcess, jsonLogLines } from "../cli";
import { mountSmallDisk, type SmallDisk } from "./disk";
import type { AgentRunRecord } from "./oracle";
import type { Rng } from "./prng";

export const FAULT_KINDS = [
  "kill-hub",
  "kill-agent",
  "kill-prosody",
  "cut",
  "stall",
  "disk-full-agent",
  "disk-full-hub",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /** How long the fault lasts (down time before a restart, a stall, a full disk). */
  holdMs: number;
  /** Time under normal operation after recovery, before the next fault. */
  quietMs: number;
}

const HOLD: Record<FaultKind, [number, number]> = {
  "kill-hub": [0, 2500],
  "kill-agent": [0, 2000],
  "kill-prosody": [0, 2000],
  cut: [0, 0],
  stall: [2000, 6000],
  // Long enough to outlast the slack of the files' last pages (tmpfs allocates whole pages).
  "disk-full-agent": [6000, 15000],
  "disk-full-hub": [6000, 15000],
};

/** `rounds` faults: every kind once (in a seeded order) while rounds allow, then seeded picks. */
export function planFaults(rng: Rng, rounds: number, kinds: readonly FaultKind[]): Fault[] {
  const order = [...rng.shuffle(kinds)];
  while (order.length < rounds) order.push(rng.pick(kinds));
  return order.slice(0, rounds).map((kind) => {
    const [lo, hi] = HOLD[kind];
    return { kind, holdMs: rng.int(lo, hi), quietMs: rng.int(1500, 5000) };
  });
}

/** Records files the campaign reads as oracles: kept off the agent's small disk (symlinked). */
const RECORDS = ["produced.jsonl", "batched.jsonl", "appended.jsonl", "actuators.jsonl"];

/** Online or retrying, by the last link line of a process's log (shared/xmpp/link.ts). */
export function linkUp(proc: CliProcess): boolean {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return false;
  const lines = jsonLogLines(proc.stderr).map((l) => String(l.msg ?? ""));
  for (let i = lines.length - 1; i >= 0; i--) {
    const msg = lines[i] as string;
    if (msg.endsWith(": online")) return true;
    if (msg.includes("; retrying in ")) return false;
  }
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FULL_RE = /ENOSPC|no-space|SQLITE_FULL|disk is full|storage[- ]full|resource-constraint/i;
const onlineLine = (text: string) => text.includes(': online"');

export interface RigOptions {
  server: TestServer;
  /** The device's account (or set it with setDevice() before startAgent()). */
  device: Account;
  hubArgs: string[];
  agentArgs: string[];
  /** Disk-full faults need root: without it the folders are plain folders. */
  smallDisks: boolean;
  log: (line: string) => void;
}

export async function startRig(o: RigOptions) {
  const { server } = o;
  const proxy = await startHoldingProxy(server.ports.c2s);
  const hubDisk: SmallDisk | undefined = o.smallDisks
    ? mountSmallDisk(join(server.dir, "hub"), 64)
    : undefined;
  const stateDir = mkdtempSync(join(tmpdir(), "xiot-fault-agent-"));
  const recordsDir = mkdtempSync(join(tmpdir(), "xiot-fault-records-"));
  const agentDisk: SmallDisk | undefined = o.smallDisks ? mountSmallDisk(stateDir, 16) : undefined;
  for (const f of RECORDS) symlinkSync(join(recordsDir, f), join(stateDir, f));

  let device = o.device;
  const runs: AgentRunRecord[] = [];
  const unexpected: string[] = [];
  let phase = "start";
  let hub: CliProcess = await server.hub(o.hubArgs);
  let agent: AgentRun | undefined;
  const expected = new WeakSet<CliProcess>();

  const watchHub = (proc: CliProcess) => {
    void proc.exited.then(({ code, signal }) => {
      if (!expected.has(proc)) unexpected.push(`hub exited by itself (${code ?? signal}) during ${phase}`);
    });
  };
  const startAgent = async () => {
    const start = Date.now();
    const run = runAgent({ server, account: device, stateDir, service: proxy.url, extra: o.agentArgs });
    const record: AgentRunRecord = { start, end: Number.POSITIVE_INFINITY, how: "exited" };
    runs.push(record);
    void run.proc.exited.then(({ code, signal }) => {
      record.end = Date.now();
      const boot = jsonLogLines(run.proc.stderr).find((l) => l.msg === "boot")?.boot;
      if (typeof boot === "string") record.boot = boot;
      if (!expected.has(run.proc)) {
        const tail = run.proc.stderr
          .slice(-3)
          .map((l) => l.text)
          .join(" | ");
        unexpected.push(`agent exited by itself (${code ?? signal}) during ${phase}: ${tail}`);
      }
    });
    agent = run;
    await run.proc.ready(60_000);
  };
  const stopAgent = async (signal: "SIGKILL" | "SIGTERM") => {
    if (!agent) throw new Error("no agent to stop");
    expected.add(agent.proc);
    const record = runs.at(-1) as AgentRunRecord;
    record.how = signal;
    const exit = await agent.proc.stop(signal);
    await sleep(0); // the exit handler above has filled in end and boot
    return exit;
  };
  const restartHub = async () => {
    hub = await server.hub(o.hubArgs);
    watchHub(hub);
  };
  watchHub(hub);

  /** Waits until hub and agent are running and online, restarting any that exited on its own. */
  const settle = async (timeoutMs = 90_000) => {
    await eventually(
      async () => {
        if (hub.child.exitCode !== null || hub.child.signalCode !== null) {
          if (hubDisk?.full) return false;
          o.log(`restarting the hub after it exited by itself`);
          await restartHub();
        }
        if (!agent) throw new Error("settle() before startAgent()");
        if (agent.proc.child.exitCode !== null || agent.proc.child.signalCode !== null) {
          if (agentDisk?.full) return false;
          o.log(`restarting the agent after it exited by itself`);
          await startAgent();
        }
        return linkUp(hub) && linkUp(agent.proc);
      },
      timeoutMs,
      100,
    );
  };

  /** Injects one fault, holds it, undoes it, and waits for the stack to be back. */
  const inject = async (f: Fault) => {
    phase = f.kind;
    const since = Date.now();
    if (!agent) throw new Error("inject() before startAgent()");
    switch (f.kind) {
      case "kill-hub":
        expected.add(hub);
        hub.child.kill("SIGKILL");
        await hub.exited;
        await sleep(f.holdMs);
        await restartHub();
        break;
      case "kill-agent":
        await stopAgent("SIGKILL");
        await sleep(f.holdMs);
        await startAgent();
        break;
      case "kill-prosody": {
        const serverProc = server.process;
        process.kill(server.prosodyPid(), "SIGKILL");
        await serverProc.exited; // `xiot server` exits when its Prosody died
        await sleep(f.holdMs);
        await server.restart();
        await hub.waitForLine("stderr", onlineLine, 60_000, since);
        await agent.proc.waitForLine("stderr", onlineLine, 60_000, since);
        break;
      }
      case "cut":
        proxy.cut();
        await agent.proc.waitForLine("stderr", onlineLine, 60_000, since);
        break;
      case "stall":
        proxy.hold();
        await sleep(f.holdMs);
        proxy.release();
        break;
      case "disk-full-agent":
      case "disk-full-hub": {
        const disk = f.kind === "disk-full-agent" ? agentDisk : hubDisk;
        if (!disk) throw new Error(`${f.kind} needs a small disk (root)`);
        const size = disk.fill();
        o.log(`  ${disk.dir} full (ballast ${Math.round(size / 1024)} KiB)`);
        await sleep(f.holdMs);
        disk.free();
        // Evidence that the fault bit: what hub and agent logged about it (page slack and SQLite's
        // reused WAL can absorb a short one).
        for (const [who, proc] of [
          ["hub", hub],
          ["agent", agent.proc],
        ] as const) {
          const felt = proc.stderr.filter((l) => l.at >= since && FULL_RE.test(l.text));
          const first = felt[0] ? String(jsonLogLines([felt[0]])[0]?.msg ?? felt[0].text).slice(0, 120) : "";
          o.log(`  ${who}: ${felt.length} log lines about a full disk${first ? `, first: ${first}` : ""}`);
        }
        break;
      }
    }
    phase = `recovery from ${f.kind}`;
    await settle();
    phase = `quiet after ${f.kind}`;
  };

  return {
    proxy,
    stateDir,
    recordsDir,
    runs,
    unexpected,
    /** The device's account, once provisioning made it. */
    setDevice: (account: Account) => {
      device = account;
    },
    /** Starts the agent (the first time, after the device was provisioned). */
    startAgent,
    agent: () => {
      if (!agent) throw new Error("no agent yet");
      return agent;
    },
    hub: () => hub,
    inject,
    settle,
    setPhase: (p: string) => {
      phase = p;
    },
    stopAgent,
    async stopHub() {
      expected.add(hub);
      return hub.stop("SIGTERM");
    },
    /** After everything stopped: unmount the small disks (before the server folder is removed). */
    async close() {
      for (const proc of [agent?.proc, hub]) {
        if (!proc) continue;
        expected.add(proc);
        await proc.stop("SIGKILL");
      }
      proxy.release();
      await proxy.close();
      agentDisk?.unmount();
      hubDisk?.unmount();
      for (const dir of [stateDir, recordsDir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Rig = Awaited<ReturnType<typeof startRig>>;
