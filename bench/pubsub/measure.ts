/* Measures one target with S subscribers: fresh node, subscriptions, a warm-up burst, then the
 * measured burst with CPU, disk writes and memory of Prosody and of the target's own process.
 * References: XEP-0060 §8.1.3, §8.2, §6.1, §6.5, §8.4. */
import { cpus } from "node:os";
import { readingsNode } from "../../shared/model";
import { parseBoolean } from "../../shared/xmpp/forms";
import { makeItems, makeSubscribe, parseItemsResult, parseSubscription } from "../../shared/xmpp/pubsub";
import { makeConfigure, makeCreate, makeDelete, parseNodeConfig } from "../../shared/xmpp/pubsub-owner";
import type { Peers } from "./peers";
import { type DeliveryTracker, type PhaseResult, runPhase } from "./phase";
import { hostSample, type ProcSample, quantile, rssBytes, sample } from "./proc";
import type { TargetSpec } from "./targets";

/** The publisher's device id: the hub lets device `bench-1` create nodes under its own node path. */
export const BENCH_DEVICE = "bench-1";
export const NODE = readingsNode(BENCH_DEVICE);

/** The condition of an error reply (RFC 6120 §8.3), or undefined for other failures (timeouts, a
 * lost link). Duck-typed: the client's IQ caller rejects with @xmpp's own StanzaError class. */
export function stanzaCondition(error: unknown): string | undefined {
  const condition = (error as { condition?: unknown } | null)?.condition;
  return error instanceof Error && typeof condition === "string" ? condition : undefined;
}

export interface MeasureContext {
  peers: Peers;
  tracker: DeliveryTracker;
  /** The JID serving each kind of target. */
  jids: Record<TargetSpec["service"], string>;
  prosodyPid: number;
  /** The target's own process, where it has one (hub, do-nothing component). */
  targetPid: (target: TargetSpec) => number | undefined;
  n: number;
  warmup: number;
  window: number;
  payload: string;
  stallMs: number;
}

export interface CpuFigures {
  /** CPU seconds per delivery, in µs. */
  usPerDelivery: number;
  /** Share of one core over the measured interval, in %. */
  percent: number;
  /** Share of the interval the main thread was runnable but waited for a CPU, in %. */
  waitPercent: number;
  /** Bytes written to storage per acknowledged publish (NaN when unknown). */
  writtenPerPublish: number;
}

export interface Row {
  target: TargetSpec;
  subscribers: number;
  phase: PhaseResult;
  expected: number;
  publishesPerSec: number;
  deliveriesPerSec: number;
  p50: number;
  p99: number;
  prosody: CpuFigures;
  component: CpuFigures | undefined;
  peers: CpuFigures;
  rss: number | undefined;
  /** Cores busy machine-wide, and the part of them not used by Prosody, the target or the peers. */
  hostCores: number;
  otherCores: number;
  /** pubsub#persist_items as the service reported it after creation (undefined: not reported). */
  persistItems: boolean | undefined;
  /** Items an items request returned after the run, or the error condition it got. */
  itemsAfter: string;
}

let phaseCounter = 0;

export async function measureTarget(ctx: MeasureContext, target: TargetSpec, s: number): Promise<Row> {
  const { peers } = ctx;
  const to = ctx.jids[target.service];
  const persistItems = await prepareNode(ctx, target, to, s);
  const phase = (count: number) =>
    runPhase(ctx.tracker, {
      publisher: peers.publisher,
      service: to,
      node: NODE,
      boot: `b${++phaseCounter}`,
      count,
      subscribers: s,
      window: ctx.window,
      payload: ctx.payload,
      stallMs: ctx.stallMs,
    });
  if (ctx.warmup > 0) await phase(ctx.warmup);
  const pid = ctx.targetPid(target);
  const before = snapshot(ctx.prosodyPid, pid);
  const measured = await phase(ctx.n);
  const after = snapshot(ctx.prosodyPid, pid);
  const rss = pid === undefined ? undefined : rssBytes(pid);
  const itemsAfter = await peers.publisher.request(makeItems(to, NODE)).then(
    (result) => String(parseItemsResult(result).items.length),
    (error: Error) => stanzaCondition(error) ?? error.message,
  );
  await peers.publisher.request(makeDelete(to, NODE));
  return summarize(target, s, measured, before, after, { rss, persistItems, itemsAfter });
}

/** A fresh node with the target's options, checked, and the first S subscribers on it. */
async function prepareNode(ctx: MeasureContext, target: TargetSpec, to: string, s: number) {
  const { peers } = ctx;
  await peers.publisher.request(makeDelete(to, NODE)).catch((error: Error) => {
    // A node left by an interrupted earlier row is removed; "no such node" is the usual answer.
    if (stanzaCondition(error) === undefined) throw error;
  });
  await peers.publisher.request(makeCreate(to, NODE, target.nodeOptions));
  const persistItems = await readPersist(ctx, to);
  if (target.expectPersist !== undefined && persistItems !== target.expectPersist) {
    throw new Error(
      `${target.name}: pubsub#persist_items reads back as ${persistItems}, not ${target.expectPersist}`,
    );
  }
  for (const subscriber of peers.subscribers.slice(0, s)) {
    const answer = await subscriber.request(makeSubscribe(to, NODE, subscriber.jid()));
    const state = parseSubscription(answer)?.subscription;
    // XEP-0060 §6.1.2: a service may answer without the element, which means subscribed.
    if (state !== undefined && state !== "subscribed") {
      throw new Error(`${target.name}: subscription of ${subscriber.jid()} is ${state}, not subscribed`);
    }
  }
  return persistItems;
}

async function readPersist(ctx: MeasureContext, to: string): Promise<boolean | undefined> {
  try {
    const config = parseNodeConfig(await ctx.peers.publisher.request(makeConfigure(to, NODE)));
    return parseBoolean(config?.fields.get("pubsub#persist_items")?.[0]);
  } catch (error) {
    // A service without node configuration (the do-nothing component) reports nothing.
    if (stanzaCondition(error) !== undefined) return undefined;
    throw error;
  }
}

interface Snapshot {
  at: number;
  prosody: ProcSample;
  component: ProcSample | undefined;
  peers: ProcSample;
  host: { busy: number; total: number };
}

function snapshot(prosodyPid: number, targetPid: number | undefined): Snapshot {
  return {
    at: performance.now(),
    prosody: sample(prosodyPid),
    component: targetPid === undefined ? undefined : sample(targetPid),
    peers: sample(process.pid),
    host: hostSample(),
  };
}

interface Deltas {
  cpu: number;
  written: number;
  waited: number;
}

function figures(d: Deltas, wallS: number, deliveries: number, acked: number): CpuFigures {
  return {
    usPerDelivery: (d.cpu / Math.max(1, deliveries)) * 1e6,
    percent: (d.cpu / wallS) * 100,
    waitPercent: (d.waited / wallS) * 100,
    writtenPerPublish: d.written / Math.max(1, acked),
  };
}

function summarize(
  target: TargetSpec,
  s: number,
  phase: PhaseResult,
  before: Snapshot,
  after: Snapshot,
  extra: Pick<Row, "rss" | "persistItems" | "itemsAfter">,
): Row {
  const wallS = (after.at - before.at) / 1000;
  const { delivered, acked } = phase;
  const diff = (a: ProcSample, b: ProcSample) =>
    figures(
      { cpu: b.cpu - a.cpu, written: b.written - a.written, waited: b.waited - a.waited },
      wallS,
      delivered,
      acked,
    );
  const prosody = diff(before.prosody, after.prosody);
  const component = before.component && after.component ? diff(before.component, after.component) : undefined;
  const hostCores =
    ((after.host.busy - before.host.busy) / (after.host.total - before.host.total)) * cpus().length;
  const peers = diff(before.peers, after.peers);
  const ours = (prosody.percent + (component?.percent ?? 0) + peers.percent) / 100;
  return {
    target,
    subscribers: s,
    phase,
    expected: phase.acked * s,
    publishesPerSec: acked / ((phase.lastAckAt - phase.startedAt) / 1000),
    deliveriesPerSec: delivered / ((phase.lastDeliveryAt - phase.startedAt) / 1000),
    p50: quantile(phase.latenciesMs, delivered, 0.5),
    p99: quantile(phase.latenciesMs, delivered, 0.99),
    prosody,
    component,
    peers,
    hostCores,
    otherCores: Math.max(0, hostCores - ours),
    ...extra,
  };
}
