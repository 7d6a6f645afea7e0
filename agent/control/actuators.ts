/* Applying commands to actuator channels: checks first, then moves, then an actuator log line.
 * References: docs/design.md §2 (commands deduplicated by `id`, refused after `issued + ttl` by the hub's
 * clock and never judged before it is known, a lower `seq` than the last applied for the channel
 * from the same issuer refused as not applied), XEP-0325 §3 (a set is done when the answer is sent;
 * an unknown parameter is an error naming it).
 *
 * Every parameter of a request is checked before anything moves: one bad parameter refuses the
 * whole request. Each applied change is one JSON line in `<state.dir>/actuators.jsonl`. */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { ActuatorChannel, Sample, Value } from "../../devices/types";
import * as reply from "../../shared/chat/replies";
import type { Logger } from "../../shared/log";
import type { CommandMeta } from "../../shared/xmpp/control";
import type { OpenChannel } from "../channels";
import type { SeenCommands } from "./seen";
import { clockUnknown, type HubTime, hubTime, judgeCommand, type TimingError } from "./timing";

export const ACTUATOR_LOG = "actuators.jsonl";

export interface SetRequest {
  channel: string;
  value: Value;
}

/** What the state item says of an actuator's last change: who asked, how, which command. */
export interface ActuatorOrigin {
  by: string;
  via: Origin["via"];
  cmd?: string;
}

export interface Origin {
  /** Bare JID that asked, or "agent" for the safe state. */
  from: string;
  via: "xep-0325" | "chat" | "safe-state";
  cmd?: CommandMeta;
}

/** Error codes of shared/xmpp/errors.ts. Not applied: `stale-seq`, because a newer command of the
 * same issuer was; `conflict`, because the id was seen before and the channel is no longer as it
 * asked. */
export type ApplyError =
  | "unknown-field"
  | "bad-value"
  | "device-error"
  | "conflict"
  | "stale-seq"
  | "storage-full"
  | TimingError;

export type ApplyResult =
  | { ok: true; applied: { channel: string; value: Value }[]; ignored?: "duplicate" }
  | { ok: false; error: ApplyError; field?: string; message: string };

interface Actuator {
  channel: ActuatorChannel;
  open: OpenChannel;
  state?: Sample;
}

/** `hubNow`: the hub's clock (local clock + learnt offset), undefined before the offset is known;
 * `whenClockKnown` lets a command with a `<cmd/>` wait for it (timing.ts). */
export interface ActuatorsOptions extends HubTime {
  actuators: { channel: ActuatorChannel; open: OpenChannel }[];
  stateDir: string;
  seen: SeenCommands;
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
  /** Who moved each actuator last, for the state item (docs/protocol.md, state item). */
  readonly #origins = new Map<string, ActuatorOrigin>();

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

  /** Who moved each actuator last (since this start), by channel. */
  origins(): Record<string, ActuatorOrigin> {
    return Object.fromEntries([...this.#origins].map(([k, v]) => [k, { ...v }]));
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
      const refusal = await this.#judge(sets, cmd, origin.from);
      if (refusal) return refusal;
      const seq =
        cmd.seq === undefined ? {} : Object.fromEntries(sets.map((s) => [s.channel, cmd.seq as number]));
      // The id is recorded durably before anything moves (replay protection): when it cannot be,
      // nothing moves and the controller may retry (RFC 6120 §8.3.3.18, wait/resource-constraint).
      try {
        this.#o.seen.add(origin.from, cmd.id, cmd.issued + cmd.ttl, seq);
      } catch (error) {
        this.#o.log.error({ err: error, cmd: cmd.id }, "command not recorded; not applied");
        const message = `the device could not record command ${cmd.id} (${errorCode(error)}); nothing was changed`;
        return { ok: false, error: "storage-full", message };
      }
      // Judged again at the last moment: recording the id (an fsync, slow on a busy disk) may have
      // taken the command past its deadline, and nothing may move after `issued + ttl`.
      const now = this.#o.hubNow();
      const late = now === undefined ? clockUnknown() : judgeCommand(cmd, now, this.#o);
      if (late) return { ok: false, ...late };
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
        this.#origins.set(s.channel, { by: origin.from, via: origin.via, ...(cmd ? { cmd: cmd.id } : {}) });
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

  /** Id, time and seq of a command (docs/design.md §2): undefined when it is to be applied. A
   * command that is not applied never answers as done, except a repeated id whose channels are
   * still as it asked (the hub sends the same id again after its link came back). */
  async #judge(sets: SetRequest[], cmd: CommandMeta, by: string): Promise<ApplyResult | undefined> {
    const { seen } = this.#o;
    if (seen.has(by, cmd.id)) {
      const moved = sets.find((s) => this.#by.get(s.channel)?.state?.value !== s.value);
      if (!moved) return { ok: true, applied: [], ignored: "duplicate" };
      const now = this.#by.get(moved.channel)?.state?.value;
      const message = `${moved.channel}: command ${cmd.id} was received before and is not applied again; ${moved.channel} is ${now === undefined ? "in an unknown state" : `now ${reply.formatValue(now)}`}`;
      return { ok: false, error: "conflict", field: moved.channel, message };
    }
    const now = await hubTime(this.#o);
    const late = now === undefined ? clockUnknown() : judgeCommand(cmd, now, this.#o);
    if (late) return { ok: false, ...late };
    const seq = cmd.seq;
    if (seq === undefined) return undefined;
    for (const s of sets) {
      const last = seen.lastSeq(by, s.channel);
      if (last !== undefined && last > seq) {
        const message = `${reply.superseded(s.channel)} (seq ${seq} < ${last})`;
        return { ok: false, error: "stale-seq", field: s.channel, message };
      }
    }
    return undefined;
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
    // The log is a record, not a condition: an actuator that moved has moved, and a full disk must
    // not turn a done command (or a safe state) into a reported failure.
    try {
      appendFileSync(join(this.#o.stateDir, ACTUATOR_LOG), `${JSON.stringify(line)}\n`);
    } catch (error) {
      this.#o.log.warn({ err: error, channel }, "actuation not written to the actuator log");
    }
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

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
}
