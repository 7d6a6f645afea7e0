/* The command lifecycle: a person's command → access check → typed against the device's meta →
 * availability → seq taken and logged → XEP-0325 `set` with `<cmd/>` to `<id>@<domain>/agent` →
 * one definitive outcome, logged.
 * References: XEP-0325 §3.1–3.5 (set, its answer, errors naming the parameter), docs/design.md §2
 * (`<cmd xmlns='urn:xiot:command:0' id issued ttl seq/>`: issued by the hub's clock), docs/design.md §4
 * (a hibernating session may get the IQ minutes later: the TTL makes the device refuse it),
 * RFC 6120 §8.3.3 (service-unavailable, recipient-unavailable, item-not-found: nobody there),
 * docs/protocol.md ("XEP-0325 control": which errors mean "not applied"; the refusals named by an
 * application condition in `urn:xiot:command:0`, refusals.ts).
 *
 * Nothing is queued: an offline device gets nothing (its availability says so, or the server
 * bounces the IQ). When the hub's own link to the server drops while a command is out, the
 * same command (same id: the device applies it at most once) is sent again after the link is
 * back, as long as the hub's timeout has not passed. */

import { randomBytes } from "node:crypto";
import xml from "@xmpp/xml";
import { noChannel, noDevice, notAnActuator, readOnly } from "../../shared/chat/replies";
import { agentJid } from "../../shared/jid";
import { makeControlSet } from "../../shared/xmpp/control";
import { IqTimeoutError } from "../../shared/xmpp/iq-caller";
import { NS_IOT_CONTROL } from "../../shared/xmpp/ns";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import type { DeviceInfo } from "./device-info";
import { refusalOf, refusalReason, refusedChannel } from "./refusals";
import type { ControlStore } from "./store";
import type { ControlOutcome, ControlRequest, ControlSettings, TypedParameter } from "./types";
import { typeValue } from "./values";

export type Availability = "online" | "offline" | "stale" | undefined;
export type Role = "admin" | "device" | "owner" | "control" | "read" | "none";

export interface CommandLifecycleDeps {
  iq: { request(iq: ReturnType<typeof xml>, timeoutMs?: number): Promise<ReturnType<typeof xml>> };
  hubJid: string;
  /** The users' domain: agents are `<id>@<domain>/agent`. */
  domain: string;
  clock: { now(): number };
  store: ControlStore;
  /** Whether the device is in the registry, and what the actor is to it. */
  devices: { exists(device: string): Promise<boolean>; roleOf(device: string, jid: string): Promise<Role> };
  availability(device: string): Availability;
  info: Pick<DeviceInfo, "meta">;
  /** Resolves true once the hub's link is online again, false after `withinMs`. */
  whenOnline(withinMs: number): Promise<boolean>;
  settings: ControlSettings;
  newId?: () => string;
}

const CONTROLS: ReadonlySet<Role> = new Set(["admin", "owner", "control"]);
const NOBODY_THERE = new Set([
  "service-unavailable",
  "recipient-unavailable",
  "item-not-found",
  "remote-server-not-found",
  "remote-server-timeout",
  "gone",
]);

/** The outcome of an error answer from (or for) the device (docs/protocol.md, "XEP-0325 control").
 * A command the device did not apply is never done. A refusal the device names (it does not know
 * the hub's time yet, the command is stamped in the future, a newer command for the channel ran)
 * is refused in the hub's words (refusals.ts). Without one, as from an agent that predates them:
 * `conflict` and `modify`/`not-acceptable` are refused in the device's words. */
export function outcomeOfError(
  id: string,
  error: StanzaError,
  device?: string,
  channel?: string,
): ControlOutcome {
  const refusal = refusalOf(error);
  if (refusal) {
    const reason = refusalReason(refusal, device, refusedChannel(error) ?? channel);
    return { kind: "refused", id, reason, refusal };
  }
  const parameter = error.application?.is("paramError", NS_IOT_CONTROL) === true;
  const reason = error.text ?? error.condition;
  const said = device === undefined ? reason : `${device}: ${reason}`;
  if (error.condition === "not-acceptable")
    return error.type === "modify" ? { kind: "refused", id, reason: said } : { kind: "expired", id };
  if (error.condition === "forbidden" || error.condition === "not-authorized")
    return { kind: "refused", id, reason: "the device does not take commands from the hub" };
  if (error.condition === "conflict") return { kind: "refused", id, reason: said };
  if (parameter || error.condition === "bad-request") return { kind: "refused", id, reason };
  if (NOBODY_THERE.has(error.condition)) return { kind: "offline", id };
  return { kind: "failed", id, reason };
}

/** Every channel a device's meta names, sensors, then actuators (for a reply naming them). */
export const channelsOf = (meta: {
  channels: { name: string }[];
  actuators: { name: string }[];
}): string[] => [...new Set([...meta.channels, ...meta.actuators].map((c) => c.name))];

export function createCommandLifecycle(deps: CommandLifecycleDeps) {
  const { store, clock, settings } = deps;
  const newId = deps.newId ?? (() => randomBytes(9).toString("base64url"));

  /** Access, existence, channel and value: a parameter, or the refusal. */
  async function check(r: ControlRequest): Promise<{ ok: true; param: TypedParameter } | ControlOutcome> {
    if (!(await deps.devices.exists(r.device))) return { kind: "refused", reason: noDevice(r.device) };
    const role = await deps.devices.roleOf(r.device, r.actor);
    if (!CONTROLS.has(role))
      return { kind: "refused", reason: role === "read" ? readOnly(r.device) : noDevice(r.device) };
    const meta = await deps.info.meta(r.device);
    const actuator = meta?.actuators.find((a) => a.name === r.channel);
    if (meta && !actuator) {
      const sensor = meta.channels.some((c) => c.name === r.channel);
      return {
        kind: "refused",
        reason: sensor ? notAnActuator(r.channel) : noChannel(r.device, r.channel, channelsOf(meta)),
      };
    }
    const typed = typeValue(r.channel, r.value, actuator?.valueType);
    return typed.ok ? { ok: true, param: typed.value } : { kind: "refused", reason: typed.reason };
  }

  const resent = (device: string, param: TypedParameter, id: string) =>
    store.log({
      time: clock.now(),
      device,
      actor: deps.hubJid,
      id,
      command: `${param.name}=${String(param.value)}`,
      outcome: "issued",
      detail: "sent again after the hub's link came back",
    });

  async function send(device: string, param: TypedParameter, id: string, issued: number, seq?: number) {
    const to = agentJid(device, deps.domain);
    const deadline = issued + settings.timeoutMs;
    const cmd = { id, issued, ttl: settings.ttlMs, ...(seq !== undefined && { seq }) };
    for (;;) {
      const left = deadline - clock.now();
      if (left <= 0) return { kind: "timeout", id } as const;
      const iq = xml("iq", { type: "set", to, from: deps.hubJid }, makeControlSet([param], cmd));
      try {
        await deps.iq.request(iq, left);
        return { kind: "done", id, value: param.value } as const;
      } catch (error) {
        if (error instanceof StanzaError) return outcomeOfError(id, error, device, param.name);
        if (error instanceof IqTimeoutError) return { kind: "timeout", id } as const;
        // The hub's link dropped with the command out: send it again (same id) once it is back.
        if (!(await deps.whenOnline(deadline - clock.now()))) return { kind: "timeout", id } as const;
        resent(device, param, id);
      }
    }
  }

  async function control(r: ControlRequest): Promise<ControlOutcome> {
    const base = { device: r.device, actor: r.actor, time: clock.now() };
    const checked = await check(r);
    const command = `${r.channel}=${typeof r.value === "string" ? r.value.trim() : String(r.value)}`;
    if (!("ok" in checked)) {
      store.log({ ...base, id: null, command, outcome: checked.kind, detail: describe(checked) });
      return checked;
    }
    if (deps.availability(r.device) === "offline") {
      store.log({ ...base, id: null, command, outcome: "offline", detail: r.via });
      return { kind: "offline" };
    }
    const id = newId();
    const issued = clock.now();
    const shown = `${checked.param.name}=${String(checked.param.value)}`;
    const seqs = store.issue(
      {
        ...base,
        time: issued,
        id,
        command: shown,
        outcome: "issued",
        detail: `${r.via}, ttl ${settings.ttlMs} ms`,
      },
      [checked.param.name],
    );
    const outcome = await send(r.device, checked.param, id, issued, seqs.get(checked.param.name));
    store.log({
      ...base,
      time: clock.now(),
      id,
      command: shown,
      outcome: outcome.kind,
      detail: describe(outcome),
    });
    return outcome;
  }

  return { control };
}

export type CommandLifecycle = ReturnType<typeof createCommandLifecycle>;

function describe(o: ControlOutcome): string {
  switch (o.kind) {
    case "refused":
    case "failed":
      return o.reason;
    case "done":
      return `now ${String(o.value)}`;
    default:
      return "";
  }
}
