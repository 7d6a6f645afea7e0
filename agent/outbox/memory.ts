/* An outbox store that lives in memory only: for tests, and for agents that accept losing queued
 * readings on restart. Same contract as the file store (test/contract/outbox-store.contract.ts). */
import { OutboxState } from "./state";
import {
  type AppendResult,
  type BuildRecord,
  DEFAULT_LIMITS,
  OutboxClosedError,
  type OutboxLimits,
  type OutboxRecord,
  type OutboxStore,
  type OutboxUsage,
  type PendingGap,
  type QuarantinedRecord,
} from "./store";

export interface MemoryOutboxOptions {
  limits?: Partial<OutboxLimits>;
  now?: () => number;
}

export function createMemoryOutboxStore(options: MemoryOutboxOptions = {}): OutboxStore {
  const state = new OutboxState({ ...DEFAULT_LIMITS, ...options.limits });
  const now = options.now ?? Date.now;
  const quarantine: QuarantinedRecord[] = [];
  let closed = false;
  const check = () => {
    if (closed) throw new OutboxClosedError();
  };

  return {
    limits: state.limits,
    async append(build: BuildRecord): Promise<AppendResult> {
      check();
      const plan = state.plan(build);
      if (!plan.ok) {
        // Not stored: its readings are a gap the next stored document carries.
        const lost = OutboxState.lossOf(plan.built);
        if (lost !== undefined) state.addGap(lost);
        return plan.result;
      }
      state.applyAppend(plan.record);
      for (const key of plan.victims) state.applyDrop(key);
      return { ok: true, key: plan.key, dropped: plan.victims.length };
    },
    list: (limit?: number): OutboxRecord[] => state.list(limit),
    async ack(key: number): Promise<void> {
      check();
      state.applyRemove(key);
    },
    async quarantine(key: number, reason: string): Promise<void> {
      check();
      const rec = state.applyRemove(key);
      if (rec !== undefined) quarantine.push({ ...rec, reason, at: now() });
    },
    quarantined: async (): Promise<QuarantinedRecord[]> => quarantine.map((q) => ({ ...q })),
    pendingGaps: (): PendingGap[] => state.gaps.map((g) => ({ ...g })),
    usage: (): OutboxUsage => state.usage(),
    async close(): Promise<void> {
      closed = true;
    },
  };
}
