/* One channel's chart (uPlot): the unit on the axis, the last value large, raw points as a line,
 * the hub's buckets as their mean with a min/max band between two thin series (uPlot `bands`).
 * The element says what it drew: data-points (points or buckets), data-resolution (raw, 1m, 1h)
 * and data-band when the band is there.
 * References: docs/history.md (tiers and buckets), docs/design.md §2 (meta: channels with unit). */
import uPlot from "uplot";
import type { Reading } from "../../shared/model";
import type { HistorySeries } from "../../shared/xmpp/history";
import type { ChannelMeta } from "../../shared/xmpp/pubsub-device";
import { el } from "./dom";
import { formatValue, Series, type SeriesOptions } from "./series";

const HEIGHT = 160;
const LINE = "#2f7de1";
const EDGE = "rgba(47,125,225,0.35)";
const BAND = "rgba(47,125,225,0.16)";

export class ChannelView {
  readonly root = el("article", { class: "channel" });
  private series = new Series();
  private readonly value = el("span", { class: "value" }, "–");
  private readonly chartBox = el("div", { class: "chart" });
  private plot: uPlot | undefined;
  private plotBanded = false;

  constructor(readonly meta: ChannelMeta) {
    this.root.dataset.channel = meta.name;
    this.root.dataset.points = "0";
    this.root.dataset.resolution = "raw";
    const head = el("div", { class: "channel-head" });
    head.append(el("h3", {}, meta.name), this.value, el("span", { class: "unit" }, meta.unit ?? ""));
    this.root.append(head, this.chartBox);
    // The chart follows its box (a phone turned, a window resized) instead of a fixed width.
    new ResizeObserver(() => this.resize()).observe(this.chartBox);
  }

  /** Starts over at a resolution and window (a new range): what was drawn goes. */
  reset(options: SeriesOptions): void {
    this.series = new Series(options);
    this.root.dataset.resolution = this.series.resolution;
    this.plot?.destroy();
    this.plot = undefined;
    this.value.textContent = "–";
    this.update();
  }

  /** One channel's history, as the hub answered it. */
  showHistory(history: HistorySeries): void {
    for (const p of history.points) this.series.add(p.t, p.v);
    for (const b of history.buckets) this.series.addBucket(b);
    this.update();
  }

  /** Live readings (and the items of an older hub's history). */
  add(readings: Reading[]): void {
    let changed = false;
    for (const r of readings) changed = this.series.add(r.t, r.v) || changed;
    if (changed) this.update();
  }

  private update(): void {
    const { series } = this;
    if (series.last) this.value.textContent = formatValue(series.last.v);
    this.root.dataset.points = String(series.times.length);
    if (series.banded) this.root.dataset.band = "min-max";
    else delete this.root.dataset.band;
    this.draw();
  }

  private width(): number {
    return Math.max(160, Math.floor(this.chartBox.clientWidth) || 240);
  }

  private resize(): void {
    const width = this.width();
    if (this.plot && this.plot.width !== width) this.plot.setSize({ width, height: HEIGHT });
  }

  private draw(): void {
    if (this.series.times.length === 0) return;
    const banded = this.series.banded;
    if (this.plot && this.plotBanded !== banded) {
      this.plot.destroy();
      this.plot = undefined;
    }
    const data = this.series.data() as uPlot.AlignedData;
    if (!this.plot) {
      this.plot = new uPlot(this.options(banded), data, this.chartBox);
      this.plotBanded = banded;
    } else {
      this.plot.setData(data);
      this.resize();
    }
  }

  private options(banded: boolean): uPlot.Options {
    const label = this.meta.unit ? `${this.meta.name} (${this.meta.unit})` : this.meta.name;
    const line: uPlot.Series = {
      label,
      stroke: LINE,
      width: 2,
      ...(!banded && { fill: "rgba(47,125,225,0.08)" }),
    };
    const edges: uPlot.Series[] = banded
      ? [
          { label: "min", stroke: EDGE, width: 1, points: { show: false } },
          { label: "max", stroke: EDGE, width: 1, points: { show: false } },
        ]
      : [];
    return {
      width: this.width(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: true, drag: { x: false, y: false } },
      // The x axis spans the range picked (series.ts xRange): uPlot's own span for a lone time
      // point is 1,000 days. One value alone gets a unit of room on the y axis.
      scales: {
        x: { time: true, range: (_u, min, max) => this.series.xRange() ?? [min, max] },
        y: {
          range: (_u, min, max) => (min === max ? [min - 1, max + 1] : uPlot.rangeNum(min, max, 0.1, true)),
        },
      },
      axes: [{ stroke: "#8a94a6" }, { label, stroke: "#8a94a6", size: 56 }],
      series: [{}, line, ...edges],
      // Series 3 (max) is the band's upper edge, series 2 (min) its lower one.
      ...(banded && { bands: [{ series: [3, 2], fill: BAND }] }),
    };
  }
}
