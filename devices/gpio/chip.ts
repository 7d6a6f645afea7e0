/* References: Linux Documentation/ABI/obsolete/sysfs-gpio (gpiochipN/base, label, ngpio); docs/design.md §4
 * (onoff takes sysfs number = chip base + BCM pin; the base is 0, 399, 512 or 571 depending on model and
 * kernel; find the chip by label, never take the first). */
import { DeviceError } from "../errors";
import { listDir, readAttribute, readInteger } from "../sysfs/files";

/** Header GPIO controllers in order of preference: Pi 5 (RP1, then BCM2712), Pi 4, Pi 0–3. */
export const PI_GPIO_LABELS = [
  "pinctrl-rp1",
  "pinctrl-bcm2712",
  "pinctrl-bcm2711",
  "pinctrl-bcm2835",
  "pinctrl-bcm2837",
] as const;

export interface GpioChipInfo {
  chip: string;
  label: string;
  base: number;
  ngpio: number;
}

export async function listGpioChips(root: string): Promise<GpioChipInfo[]> {
  const dir = "sys/class/gpio";
  const chips: GpioChipInfo[] = [];
  for (const chip of (await listDir(root, dir)).filter((e) => e.startsWith("gpiochip"))) {
    chips.push({
      chip,
      label: await readAttribute(root, dir, chip, "label"),
      base: await readInteger(root, dir, chip, "base"),
      ngpio: await readInteger(root, dir, chip, "ngpio"),
    });
  }
  return chips;
}

/** Picks the header GPIO chip by label; the error lists every label found. */
export function pickHeaderChip(
  chips: readonly GpioChipInfo[],
  labels: readonly string[] = PI_GPIO_LABELS,
): GpioChipInfo {
  for (const label of labels) {
    const chip = chips.find((c) => c.label === label);
    if (chip) return chip;
  }
  const found = chips.map((c) => `${c.chip} "${c.label}" (base ${c.base})`).join(", ") || "no gpiochip";
  throw new DeviceError(
    "gpio-chip-not-found",
    `no GPIO chip labelled ${labels.join(", ")}; found ${found}. Set the chip label in the gpio options.`,
  );
}

export function sysfsNumber(chip: GpioChipInfo, bcmPin: number): number {
  if (!Number.isInteger(bcmPin) || bcmPin < 0 || bcmPin >= chip.ngpio) {
    throw new DeviceError("bad-options", `BCM pin ${bcmPin} is outside ${chip.label} (0–${chip.ngpio - 1})`);
  }
  return chip.base + bcmPin;
}

export async function headerChip(root: string, labels?: readonly string[]): Promise<GpioChipInfo> {
  return pickHeaderChip(await listGpioChips(root), labels);
}
