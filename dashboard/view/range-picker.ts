/* The page's range picker: 1 h, 24 h, 7 d, 30 d, 1 y, or a custom from/to (two datetime-local
 * inputs); every chart of every card shows the range picked. The pressed button says which
 * (aria-pressed), and body[data-range] says it to styles and tests.
 * References: WAI-ARIA 1.2 (button, aria-pressed; group), HTML (input type=datetime-local). */
import {
  customRange,
  DEFAULT_RANGE,
  localInputValue,
  PRESETS,
  type RangeChoice,
  type RangeKey,
} from "../history";
import { el } from "./dom";

const LABELS: Record<RangeKey, string> = {
  "1h": "1 h",
  "24h": "24 h",
  "7d": "7 d",
  "30d": "30 d",
  "1y": "1 y",
  custom: "Custom…",
};

export class RangePicker {
  readonly root = el("div", { class: "range", role: "group", "aria-label": "Time range" });
  private readonly buttons = new Map<RangeKey, HTMLButtonElement>();
  private readonly custom = el("form", { class: "range-custom", hidden: "" });
  private readonly from = el("input", { type: "datetime-local", name: "from", "aria-label": "From" });
  private readonly to = el("input", { type: "datetime-local", name: "to", "aria-label": "To" });
  private readonly error = el("span", { class: "range-error", role: "status" });
  choice: RangeChoice = DEFAULT_RANGE;

  constructor(
    private readonly onChange: (choice: RangeChoice) => void,
    now: () => number = Date.now,
  ) {
    const keys = [...(Object.keys(PRESETS) as RangeKey[]), "custom" as const];
    const row = el("div", { class: "range-buttons" });
    for (const key of keys) {
      const button = el(
        "button",
        { type: "button", "data-range": key, "aria-pressed": "false" },
        LABELS[key],
      );
      button.addEventListener("click", () => this.pick(key, now()));
      this.buttons.set(key, button);
      row.append(button);
    }
    const show = el("button", { type: "submit" }, "Show");
    const label = (text: string, input: HTMLInputElement) => {
      const l = el("label", {}, text);
      l.append(input);
      return l;
    };
    this.custom.append(label("From ", this.from), label("To ", this.to), show, this.error);
    this.custom.addEventListener("submit", (event) => {
      event.preventDefault();
      this.applyCustom();
    });
    this.root.append(row, this.custom);
    this.mark(this.choice.key);
  }

  private pick(key: RangeKey, now: number): void {
    if (key !== "custom") {
      this.custom.hidden = true;
      this.choose({ key });
      return;
    }
    // The custom fields open on the last 24 hours, ready to be changed.
    if (!this.from.value) this.from.value = localInputValue(now - 24 * 3_600_000);
    if (!this.to.value) this.to.value = localInputValue(now);
    this.custom.hidden = false;
    this.from.focus();
  }

  private applyCustom(): void {
    const choice = customRange(this.from.value, this.to.value);
    if ("error" in choice) {
      this.error.textContent = choice.error;
      return;
    }
    this.error.textContent = "";
    this.choose(choice);
  }

  private choose(choice: RangeChoice): void {
    this.choice = choice;
    this.mark(choice.key);
    this.onChange(choice);
  }

  private mark(key: RangeKey): void {
    for (const [k, button] of this.buttons) button.setAttribute("aria-pressed", String(k === key));
    document.body.dataset.range = key;
  }
}
