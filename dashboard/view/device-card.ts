/* One device on the page: name, model and availability; a chart per channel (uPlot, unit on the
 * axis, the last value large); a control per actuator with the outcome of the last command.
 * References: docs/design.md §2 (meta: channels with unit, actuators with value type). */
import uPlot from "uplot";
import type { Reading } from "../../shared/model";
import type { ActuatorMeta, Availability, ChannelMeta, DeviceMeta } from "../../shared/xmpp/pubsub-device";
import type { Outcome } from "../control";
import { formatValue, Series } from "./series";

export type Actuate = (actuator: ActuatorMeta, value: boolean | number | string) => Promise<Outcome>;

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};

class ChannelView {
  readonly root = el("article", { class: "channel" });
  private readonly series = new Series();
  private readonly value = el("span", { class: "value" }, "–");
  private readonly chartBox = el("div", { class: "chart" });
  private plot: uPlot | undefined;

  constructor(readonly meta: ChannelMeta) {
    this.root.dataset.channel = meta.name;
    this.root.dataset.points = "0";
    const head = el("div", { class: "channel-head" });
    head.append(el("h3", {}, meta.name), this.value, el("span", { class: "unit" }, meta.unit ?? ""));
    this.root.append(head, this.chartBox);
    // The chart follows its box (a phone turned, a window resized) instead of a fixed width.
    new ResizeObserver(() => this.resize()).observe(this.chartBox);
  }

  private width(): number {
    return Math.max(160, Math.floor(this.chartBox.clientWidth) || 240);
  }

  private resize(): void {
    const width = this.width();
    if (this.plot && this.plot.width !== width) this.plot.setSize({ width, height: 160 });
  }

  add(readings: Reading[]): void {
    let changed = false;
    for (const r of readings) changed = this.series.add(r.t, r.v) || changed;
    if (!changed) return;
    this.value.textContent = formatValue(this.series.last?.v);
    this.root.dataset.points = String(this.series.times.length);
    this.draw();
  }

  private draw(): void {
    if (this.series.times.length === 0) return;
    const width = this.width();
    if (!this.plot) {
      const label = this.meta.unit ? `${this.meta.name} (${this.meta.unit})` : this.meta.name;
      this.plot = new uPlot(
        {
          width,
          height: 160,
          legend: { show: false },
          cursor: { show: true, drag: { x: false, y: false } },
          // One point alone would stretch the axes over years: give it a minute and a unit of room.
          scales: {
            x: { time: true, range: (_u, min, max) => (min === max ? [min - 60, max + 60] : [min, max]) },
            y: {
              range: (_u, min, max) =>
                min === max ? [min - 1, max + 1] : uPlot.rangeNum(min, max, 0.1, true),
            },
          },
          axes: [{ stroke: "#8a94a6" }, { label, stroke: "#8a94a6", size: 56 }],
          series: [{}, { label, stroke: "#2f7de1", width: 2, fill: "rgba(47,125,225,0.08)" }],
        },
        this.series.data(),
        this.chartBox,
      );
    } else {
      this.plot.setData(this.series.data());
      if (this.plot.width !== width) this.plot.setSize({ width, height: 160 });
    }
  }
}

class ActuatorView {
  readonly root = el("div", { class: "actuator" });
  private readonly control: HTMLButtonElement | HTMLInputElement;
  private readonly outcome = el("span", { class: "outcome", role: "status" });
  private current: unknown;

  constructor(
    readonly meta: ActuatorMeta,
    private readonly actuate: Actuate,
  ) {
    this.root.dataset.actuator = meta.name;
    this.root.dataset.state = "unknown";
    this.root.append(el("label", {}, meta.name));
    if (meta.valueType === "boolean") {
      // Unknown until the state item or a command outcome says: never a guessed "off".
      const button = el("button", {
        class: "switch",
        role: "switch",
        "aria-checked": "false",
        type: "button",
      });
      button.textContent = "unknown";
      button.addEventListener("click", () => void this.run(!(this.current === true)));
      this.control = button;
    } else {
      const input = el("input", { type: meta.valueType === "number" ? "number" : "text", step: "any" });
      input.addEventListener(
        "change",
        () => void this.run(meta.valueType === "number" ? Number(input.value) : input.value),
      );
      this.control = input;
    }
    this.root.append(this.control, this.outcome);
  }

  show(value: unknown): void {
    this.current = value;
    this.root.dataset.state = String(value);
    if (this.control instanceof HTMLButtonElement) {
      this.control.setAttribute("aria-checked", String(value === true));
      this.control.textContent = value === true ? "on" : "off";
    } else if (document.activeElement !== this.control) {
      this.control.value = value === undefined ? "" : String(value);
    }
  }

  private async run(value: boolean | number | string): Promise<void> {
    this.control.disabled = true;
    this.outcome.dataset.kind = "pending";
    this.outcome.textContent = "sending…";
    try {
      const result = await this.actuate(this.meta, value);
      this.outcome.dataset.kind = result.kind;
      this.outcome.textContent = result.text;
      if (result.kind === "done") this.show(value);
    } finally {
      this.control.disabled = false;
    }
  }
}

export class DeviceCard {
  readonly root = el("section", { class: "device" });
  private readonly badge = el("span", { class: "availability", "data-state": "unknown" }, "unknown");
  private readonly model = el("span", { class: "model" });
  private readonly channelsBox = el("div", { class: "channels" });
  private readonly actuatorsBox = el("div", { class: "actuators" });
  private readonly channels = new Map<string, ChannelView>();
  private readonly actuators = new Map<string, ActuatorView>();
  readonly problem = el("p", { class: "problem", hidden: "" });

  constructor(
    readonly id: string,
    private readonly actuate: Actuate,
  ) {
    this.root.dataset.device = id;
    const head = el("header");
    head.append(el("h2", {}, id), this.model, this.badge);
    this.root.append(head, this.problem, this.actuatorsBox, this.channelsBox);
  }

  setMeta(meta: DeviceMeta): void {
    this.model.textContent = meta.model ?? "";
    for (const c of meta.channels) this.channel(c);
    for (const a of meta.actuators) {
      if (this.actuators.has(a.name)) continue;
      const view = new ActuatorView(a, this.actuate);
      this.actuators.set(a.name, view);
      this.actuatorsBox.append(view.root);
    }
  }

  setAvailability(state: Availability | "unknown", detail?: string): void {
    this.badge.dataset.state = state;
    this.badge.textContent = state;
    this.badge.title = detail ?? "";
    this.root.dataset.availability = state;
  }

  setActuators(values: Record<string, { v: unknown }>): void {
    for (const [name, { v }] of Object.entries(values)) this.actuators.get(name)?.show(v);
  }

  /** Readings only draw charts. An actuator's control never follows them: history pages replay
   * old readings, so only the state item (setActuators) and command outcomes say what it is. */
  addReadings(readings: Reading[]): void {
    const byChannel = new Map<string, Reading[]>();
    for (const r of readings) byChannel.set(r.c, [...(byChannel.get(r.c) ?? []), r]);
    for (const [name, list] of byChannel) {
      // Channels without meta still get a chart; an actuator's readings only where meta charts it.
      if (!this.actuators.has(name) || this.channels.has(name)) this.channel({ name }).add(list);
    }
  }

  /** Marks the card once the stored items are loaded (tests and styles wait for it). */
  setLoaded(): void {
    this.root.dataset.loaded = "true";
  }

  showProblem(text: string | undefined): void {
    this.problem.hidden = text === undefined;
    this.problem.textContent = text ?? "";
  }

  private channel(meta: ChannelMeta): ChannelView {
    let view = this.channels.get(meta.name);
    if (!view) {
      view = new ChannelView(meta);
      this.channels.set(meta.name, view);
      this.channelsBox.append(view.root);
    }
    return view;
  }
}
