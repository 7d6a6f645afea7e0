/* Reading a device for a person: status (stored state, newest readings, availability), one
 * channel (a live XEP-0323 readout, or the last known value when the device is offline) and the
 * history of commands and ownership changes (owner and admins only).
 * References: XEP-0324 §3 (read permission), XEP-0323 §3.1 (momentary readout), docs/design.md §3
 * and §6 (one access rule, decided at send time: the registry is asked again when the values are
 * in hand, since a readout may wait seconds for the device and a share may end meanwhile). */
import { noChannel, noDevice } from "../../shared/chat/replies";
import type { DeviceInfo, DeviceSnapshot } from "./device-info";
import { channelsOf, type Role } from "./lifecycle";
import type { Readout } from "./readout";
import type { ReportedActuations } from "./reported";
import type { ControlStore } from "./store";
import type { ControlLogEntry, ControlValue } from "./types";

export interface QueriesDeps {
  devices: {
    exists(device: string): Promise<boolean>;
    roleOf(device: string, jid: string): Promise<Role>;
    /** The device registry's audit lines (claim, share, …) as control log lines. */
    audit(device: string, limit: number): Promise<ControlLogEntry[]>;
  };
  availability(device: string): { availability?: string; since?: number };
  info: DeviceInfo;
  readout: Pick<Readout, "read">;
  store: ControlStore;
  /** Actuations the device reported (reported.ts): brought up to date before history is read. */
  reported?: Pick<ReportedActuations, "sync">;
}

export type Query<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ChannelValue {
  channel: string;
  value: ControlValue;
  unit?: string;
  /** ms since the epoch, device clock. */
  t: number;
  /** True when read just now; false for the last known value of an offline device. */
  live: boolean;
}

const NUMBER_RE = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const logged = (text: string): ControlValue =>
  text === "true" ? true : text === "false" ? false : NUMBER_RE.test(text) ? Number(text) : text;

/** The stored state with the commands the device confirmed after it was published: the agent
 * publishes its new state a moment after answering, so a status asked right away is current. */
export function withRecentCommands(s: DeviceSnapshot, log: ControlLogEntry[]): DeviceSnapshot {
  const done = log.filter((e) => e.outcome === "done" && e.time > s.stateAt);
  if (done.length === 0) return s;
  const actuators = new Map(s.state?.actuators);
  for (const e of done) {
    const at = e.command.indexOf("=");
    if (at > 0) actuators.set(e.command.slice(0, at), { v: logged(e.command.slice(at + 1)), t: e.time });
  }
  return {
    ...s,
    state: {
      t: s.state?.t ?? 0,
      ...(s.state?.uptime !== undefined && { uptime: s.state.uptime }),
      actuators,
    },
  };
}

export function createQueries(deps: QueriesDeps) {
  async function mayRead(actor: string, device: string, owner = false): Promise<string | undefined> {
    if (!(await deps.devices.exists(device))) return noDevice(device);
    const role = await deps.devices.roleOf(device, actor);
    if (role === "none") return noDevice(device); // worded as absent: ids are not disclosed
    if (owner && role !== "owner" && role !== "admin")
      return `only the owner of ${device} may read its history`;
    return undefined;
  }

  async function status(actor: string, device: string) {
    const refused = await mayRead(actor, device);
    if (refused) return { ok: false, reason: refused } as const;
    const a = deps.availability(device);
    const snapshot = withRecentCommands(await deps.info.snapshot(device), deps.store.history(device, 50));
    const revoked = await mayRead(actor, device); // at send time
    if (revoked) return { ok: false, reason: revoked } as const;
    return { ok: true, value: { device, availability: a.availability, since: a.since, snapshot } } as const;
  }

  async function read(actor: string, device: string, channel: string): Promise<Query<ChannelValue>> {
    const refused = await mayRead(actor, device);
    if (refused) return { ok: false, reason: refused };
    const value = await readValue(device, channel);
    const revoked = value.ok ? await mayRead(actor, device) : undefined; // at send time
    return revoked ? { ok: false, reason: revoked } : value;
  }

  async function readValue(device: string, channel: string): Promise<Query<ChannelValue>> {
    const snapshot = await deps.info.snapshot(device);
    const all = [...(snapshot.meta?.channels ?? []), ...(snapshot.meta?.actuators ?? [])];
    const unit = all.find((c) => c.name === channel)?.unit;
    if (snapshot.meta && !all.some((c) => c.name === channel))
      return { ok: false, reason: noChannel(device, channel, channelsOf(snapshot.meta)) };
    if (deps.availability(device).availability !== "offline") {
      try {
        const field = (await deps.readout.read(device, [channel])).find((f) => f.name === channel);
        if (field)
          return {
            ok: true,
            value: { channel, value: field.value, t: field.t, live: true, ...(unit && { unit }) },
          };
      } catch {
        // No live answer (timeout, bounce): fall back to what the device last published.
      }
    }
    const known = snapshot.state?.actuators.get(channel) ?? snapshot.readings.get(channel);
    if (!known) return { ok: false, reason: `${device} is not answering and nothing is known of ${channel}` };
    return { ok: true, value: { channel, value: known.v, t: known.t, live: false, ...(unit && { unit }) } };
  }

  /** The newest `limit` lines of commands, reported actuations and ownership changes, oldest first. */
  async function history(actor: string, device: string, limit = 500): Promise<Query<ControlLogEntry[]>> {
    const refused = await mayRead(actor, device, true);
    if (refused) return { ok: false, reason: refused };
    await deps.reported?.sync(device);
    const merged = [...deps.store.history(device, limit), ...(await deps.devices.audit(device, limit))];
    merged.sort((a, b) => a.time - b.time);
    const revoked = await mayRead(actor, device, true); // at send time
    return revoked ? { ok: false, reason: revoked } : { ok: true, value: merged.slice(-limit) };
  }

  /** The channels of a device the actor may read (sensors, then actuators), as its meta names
   * them; undefined when the actor may not read it or no meta is known. */
  async function channels(actor: string, device: string): Promise<string[] | undefined> {
    if (await mayRead(actor, device)) return undefined;
    const meta = await deps.info.meta(device);
    return meta ? channelsOf(meta) : undefined;
  }

  return { status, read, history, channels };
}

export type Queries = ReturnType<typeof createQueries>;
