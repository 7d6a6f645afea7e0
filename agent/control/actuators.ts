/* Applying commands to actuator channels: checks first, then moves, then an actuator log line.
 * References: docs/design.md §2 (commands deduplicated by `id`, refused after `issued + ttl` by the hub's
 * clock, a lower `seq` than the last applied for the channel ignored), XEP-0325 §3 (a set is done
 * when the answer is sent; an unknown parameter is an error naming it).
 *
 * Every parameter of a request is checked before anything moves: one bad parameter refuses the
 * whole request. Each applied change is one JSON line in `<state.dir>/actuators.jsonl`. */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { ActuatorChannel, Sample, Value } from "../../devices/types";
import type { Logger } from "../../shared/log";
import type { CommandMeta } from "../../shared/xmpp/control";
import type { OpenChannel } from "../channels";
import type { SeenCommands } from "./seen";

export const ACTUATOR_LOG = "actuators.jsonl";

export interface SetRequest {
  channel: string;
  value: Value;
}

export interface Origin {
  /** Bare JID that asked, or "agent" for the safe state. */
  from: string;
  via: "xep-0325" | "chat" | "safe-state";
  cmd?: CommandMeta;
}

export type ApplyError = "unknown-field" | "bad-value" | "expired" | "device-error";

export type ApplyResult =
  | { ok: true; applied: { channel: string; value: Value }[]; ignored?: "duplicate" | "stale-seq" }
  | { ok: false; error: ApplyError; field?: string; message: string };

interface Actuator {
  channel: ActuatorChannel;
  open: OpenChannel;
  state?: Sample;
}

export interface ActuatorsOptions {
  actuators: { channel: ActuatorChannel; open: OpenChannel }[];
  stateDir: string;
  seen: SeenCommands;
  /** The hub's clock (local clock + learnt offset), ms. */
  hubNow: () => number;
  log: Logger;
  /** Channels left as they are at shutdown (`safeState: "keep"`). */
  keep?: ReadonlySet<string>;
  /** A channel's new state, after it moved. */
  onChange: (open: OpenChannel, channel: string, sample: Sample) => void;
}

export class Actuators {
  readonly #o: ActuatorsOptions;
  readonly #by = new Map<string, Actuator>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ActuatorsOptions) {
    this.#o = options;
    for (const a of options.actuators) this.#by.set(a.channel.name, { ...a });
  }

  names(): string[] {
    return [...this.#by.keys()];
  }

  channel(name: string): ActuatorChannel | undefined {
    return this.#by.get(name)?.channel;
  }

  /** Current states, read from the drivers. */
  async states(): Promise<Record<string, Sample>> {
    const out: Record<string, Sample> = {};
    for (const [name, a] of this.#by) {
      const model = [...a.open.names].find(([, published]) => published === name)?.[0] ?? name;
      const sample = (await a.open.driver.read())[model];
      if (sample) {
        out[name] = sample;
        a.state = sample;
      }
    }
    return out;
  }

  /** Checks, deduplicates and applies one request; requests run one at a time. */
  apply(sets: SetRequest[], origin: Origin): Promise<ApplyResult> {
    const run = this.#queue.then(() => this.#apply(sets, origin));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Puts every actuator into its channel's safe state (shutdown), except those told to keep theirs. */
  async safeState(): Promise<void> {
    const keep = this.#o.keep ?? new Set<string>();
    for (const a of this.#by.values()) {
      if (keep.has(a.channel.name)) continue;
      // One by one: an actuator that fails must not keep the others from their safe states.
      const set = { channel: a.channel.name, value: a.channel.safeState };
      const result = await this.apply([set], { from: "agent", via: "safe-state" });
      if (!result.ok)
        this.#o.log.error({ channel: set.channel, err: result.message }, "safe state not applied");
    }
  }

  async #apply(sets: SetRequest[], origin: Origin): Promise<ApplyResult> {
    const problem = this.#check(sets);
    if (problem) return problem;
    const cmd = origin.cmd;
    if (cmd) {
      if (this.#o.seen.has(cmd.id)) return { ok: true, applied: [], ignored: "duplicate" };
      if (this.#o.hubNow() > cmd.issued + cmd.ttl)
        return {
          ok: false,
          error: "expired",
          message: `command ${cmd.id} expired (issued + ttl has passed)`,
        };
      if (cmd.seq !== undefined && sets.some((s) => (this.#o.seen.lastSeq(s.channel) ?? -1) > (cmd.seq ?? 0)))
        return { ok: true, applied: [], ignored: "stale-seq" };
      const seq =
        cmd.seq === undefined ? {} : Object.fromEntries(sets.map((s) => [s.channel, cmd.seq as number]));
      this.#o.seen.add(cmd.id, cmd.issued + cmd.ttl, seq);
    }
    const applied: { channel: string; value: Value }[] = [];
    for (const s of sets) {
      const a = this.#by.get(s.channel) as Actuator;
      if (a.open.driver.acquisition !== "actuator") continue;
      try {
        const before = a.state?.value;
        const sample = await a.open.driver.set(s.value);
        a.state = sample;
        applied.push({ channel: s.channel, value: sample.value });
        this.#logChange(s.channel, before, sample, origin);
        this.#o.onChange(a.open, s.channel, sample);
      } catch (error) {
        this.#o.log.error({ err: error, channel: s.channel }, "actuator failed");
        const message = `${s.channel}: ${error instanceof Error ? error.message : String(error)}`;
        return { ok: false, error: "device-error", field: s.channel, message };
      }
    }
    return { ok: true, applied };
  }

  #check(sets: SetRequest[]): ApplyResult | undefined {
    for (const s of sets) {
      const a = this.#by.get(s.channel);
      if (!a)
        return {
          ok: false,
          error: "unknown-field",
          field: s.channel,
          message: `unknown field "${s.channel}"`,
        };
      const bad = badValue(a.channel, s.value);
      if (bad) return { ok: false, error: "bad-value", field: s.channel, message: `${s.channel}: ${bad}` };
    }
    return undefined;
  }

  #logChange(channel: string, before: Value | undefined, sample: Sample, origin: Origin): void {
    const line = {
      t: sample.t ?? Date.now(),
      channel,
      value: sample.value,
      ...(before !== undefined ? { previous: before } : {}),
      from: origin.from,
      via: origin.via,
      ...(origin.cmd ? { cmd: origin.cmd.id } : {}),
    };
    appendFileSync(join(this.#o.stateDir, ACTUATOR_LOG), `${JSON.stringify(line)}\n`);
  }
}

function badValue(channel: ActuatorChannel, value: Value): string | undefined {
  if (channel.valueType === "boolean")
    return typeof value === "boolean" ? undefined : "expects on/off (a boolean)";
  if (typeof value !== "number" || !Number.isFinite(value)) return "expects a number";
  const r = channel.range;
  if (r && (value < r.min || value > r.max)) return `must be within ${r.min}..${r.max}`;
  return undefined;
}
