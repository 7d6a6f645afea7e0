/* The stages of the "Control a device" and "Device status" commands as plain data: which form to
 * show next, or the outcome. No XML here (adhoc.ts renders it).
 * References: XEP-0050 §3.3 (multi-stage commands), XEP-0004 §3.3 (field types). */
import type { FormField } from "../../shared/xmpp/forms";
import type { DeviceInfo } from "./device-info";
import type { CommandLifecycle, Role } from "./lifecycle";
import type { Queries } from "./queries";
import { outcomeText, statusTable, when } from "./text";
import { showValue } from "./values";

export interface Step {
  /** `form`: another stage; `result`: the command is completed. */
  form: "form" | "result";
  title: string;
  fields: FormField[];
  note?: string;
  /** For results: whether the note is good news. */
  ok?: boolean;
  /** For forms: the last stage (complete) or not (next). */
  last?: boolean;
}

export interface StagesDeps {
  listDevices(who: string): Promise<Array<{ id: string; role: Role }>>;
  info: Pick<DeviceInfo, "snapshot">;
  router: Pick<CommandLifecycle, "control">;
  queries: Queries;
  clock: { now(): number };
}

type Fields = Map<string, string[]>;
const one = (f: Fields, name: string) => (f.get(name)?.[0] ?? "").trim();
const CONTROLS: ReadonlySet<Role> = new Set(["admin", "owner", "control"]);
const single = (v: string, label: string, value: string): FormField => ({
  var: v,
  type: "text-single",
  label,
  values: [value],
});

export function createControlStages(deps: StagesDeps) {
  const finish = (title: string, ok: boolean, note: string, fields: FormField[] = []): Step => ({
    form: "result",
    title,
    fields,
    note,
    ok,
  });

  async function pickDevice(
    who: string,
    title: string,
    control: boolean,
    extra: FormField[] = [],
  ): Promise<Step> {
    const all = await deps.listDevices(who);
    const devices = control ? all.filter((d) => CONTROLS.has(d.role)) : all;
    if (devices.length === 0)
      return finish(title, false, control ? "You have no device you may control." : "You have no devices.");
    const options = devices.map((d) => ({ value: d.id, label: `${d.id} (${d.role})` }));
    const device: FormField = { var: "device", type: "list-single", label: "Device", options };
    return { form: "form", title, fields: [device, ...extra], last: !control };
  }

  async function pickChannel(device: string): Promise<Step> {
    const title = `Control ${device}`;
    const { meta, state } = await deps.info.snapshot(device);
    const actuators = meta?.actuators ?? [];
    const options = actuators.map((a) => {
      const s = state?.actuators.get(a.name);
      return { value: a.name, label: s ? `${a.name} (now ${showValue(s.v)})` : a.name };
    });
    const channel: FormField =
      options.length > 0
        ? {
            var: "channel",
            type: "list-single",
            label: "Channel",
            options,
            values: [options[0]?.value ?? ""],
          }
        : { var: "channel", type: "text-single", label: "Channel" };
    const onOff = actuators.length > 0 && actuators.every((a) => a.valueType === "boolean");
    const value: FormField = onOff
      ? {
          var: "value",
          type: "list-single",
          label: "Value",
          options: [{ value: "on" }, { value: "off" }],
          values: ["on"],
        }
      : { var: "value", type: "text-single", label: "Value (on/off, a number or text)" };
    const fields = [
      {
        var: "device",
        type: "list-single",
        label: "Device",
        options: [{ value: device }],
        values: [device],
      } as FormField,
      channel,
      value,
    ];
    return { form: "form", title, fields, last: true };
  }

  async function control(who: string, f: Fields): Promise<Step> {
    const title = "Control a device";
    const device = one(f, "device").toLowerCase();
    const channel = one(f, "channel");
    const value = one(f, "value");
    if (!device) return pickDevice(who, title, true);
    if (!channel || !value) {
      const role = (await deps.listDevices(who)).find((d) => d.id === device)?.role;
      if (!role || !CONTROLS.has(role))
        return finish(title, false, `Refused: you may not control ${device}.`);
      return pickChannel(device);
    }
    const outcome = await deps.router.control({ actor: who, device, channel, value, via: "adhoc" });
    const fields = [
      single("device", "Device", device),
      single("channel", "Channel", channel),
      single("outcome", "Outcome", outcome.kind),
    ];
    if (outcome.kind === "done") fields.push(single("value", "New state", showValue(outcome.value)));
    // Which refusal, for scripts (`xiot set --json`): the note says it in words.
    if (outcome.kind === "refused" && outcome.refusal)
      fields.push(single("reason", "Reason", outcome.refusal));
    if (outcome.id) fields.push(single("command", "Command id", outcome.id));
    return finish(title, outcome.kind === "done", outcomeText(device, channel, outcome), fields);
  }

  async function status(who: string, f: Fields): Promise<Step> {
    const title = "Device status";
    const device = one(f, "device").toLowerCase();
    const channel = one(f, "channel");
    if (!device)
      return pickDevice(who, title, false, [
        { var: "channel", type: "text-single", label: "Channel (optional)" },
      ]);
    const now = deps.clock.now();
    if (channel) {
      const r = await deps.queries.read(who, device, channel);
      if (!r.ok) return finish(title, false, `${r.reason.charAt(0).toUpperCase()}${r.reason.slice(1)}.`);
      const v = r.value;
      const shown = showValue(v.value, v.unit);
      return finish(title, true, `${device} ${channel}: ${shown}${v.live ? "" : " (last known)"}`, [
        single("device", "Device", device),
        single("channel", "Channel", channel),
        single("value", "Value", shown),
        single("time", "Taken", new Date(v.t).toISOString()),
        single("live", "Read just now", v.live ? "true" : "false"),
      ]);
    }
    const r = await deps.queries.status(who, device);
    if (!r.ok) return finish(title, false, `${r.reason.charAt(0).toUpperCase()}${r.reason.slice(1)}.`);
    const { snapshot, availability, since } = r.value;
    const actuators = snapshot.state?.actuators ?? new Map();
    const fields = [
      single("device", "Device", device),
      single("availability", "Availability", availability ?? "unknown"),
      ...(since ? [single("since", "Since", when(since, now))] : []),
      ...[...actuators].map(([name, s]) => single(`channel-${name}`, name, showValue(s.v))),
      // Actuators also appear among readings (their changes are sampled): the state wins.
      ...[...snapshot.readings]
        .filter(([name]) => !actuators.has(name))
        .map(([name, rd]) => {
          const unit = snapshot.meta?.channels.find((c) => c.name === name)?.unit;
          return single(`channel-${name}`, name, showValue(rd.v, unit));
        }),
    ];
    return finish(title, true, statusTable(r.value, now), fields);
  }

  return { control, status };
}

export type ControlStages = ReturnType<typeof createControlStages>;
