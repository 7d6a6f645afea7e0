/* One device on the page: name, model and availability; a chart per channel (channel-view.ts);
 * a control per actuator with the outcome of the last command.
 * References: docs/design.md §2 (meta: channels with unit, actuators with value type). */
import type { Reading } from "../../shared/model";
import type { HistorySeries } from "../../shared/xmpp/history";
import type { ActuatorMeta, Availability, ChannelMeta, DeviceMeta } from "../../shared/xmpp/pubsub-device";
import type { Outcome } from "../control";
import { ChannelView } from "./channel-view";
import { el } from "./dom";
import type { SeriesOptions } from "./series";

export type Actuate = (actuator: ActuatorMeta, value: boolean | number | string) => Promise<Outcome>;

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
  /** How charts keep their points in the range shown; a chart made later starts the same way. */
  private seriesOptions: SeriesOptions = {};

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

  /** The channels charted so far (from meta, or seen in readings): what history is asked for. */
  channelNames(): string[] {
    return [...this.channels.keys()];
  }

  /** Starts every chart over for a new range, at the resolution its history comes in. */
  startRange(options: SeriesOptions): void {
    this.seriesOptions = options;
    for (const view of this.channels.values()) view.reset(options);
  }

  /** The range's history: charts only, as addReadings (never an actuator's control). */
  showHistory(series: HistorySeries[]): void {
    for (const s of series)
      if (!this.actuators.has(s.channel) || this.channels.has(s.channel))
        this.channel({ name: s.channel }).showHistory(s);
  }

  /** Says which range the charts show and where it came from: the history query, or the
   * readings items of a hub without history (tests and styles wait for it). */
  setRange(key: string, source: "history" | "items"): void {
    this.root.dataset.range = key;
    this.root.dataset.source = source;
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
      view.reset(this.seriesOptions);
      this.channels.set(meta.name, view);
      this.channelsBox.append(view.root);
    }
    return view;
  }
}
