import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { headerChip, listGpioChips, sysfsNumber } from "../../../../devices/gpio/chip";

const tree = (name: string) =>
  fileURLToPath(new URL(`../../../fixtures/devices/gpio/${name}`, import.meta.url));

describe("BCM → sysfs GPIO number", () => {
  it.each([
    ["pi3-6.1", "pinctrl-bcm2835", 0],
    ["pi4-6.6", "pinctrl-bcm2711", 512],
    ["pi5-6.1", "pinctrl-rp1", 399],
    ["pi5-6.6", "pinctrl-rp1", 571],
  ])("%s: finds %s at base %i", async (name, label, base) => {
    const chip = await headerChip(tree(name));
    expect(chip).toMatchObject({ label, base });
    expect(sysfsNumber(chip, 17)).toBe(base + 17);
    expect(sysfsNumber(chip, 0)).toBe(base);
  });

  it("never takes the first chip when it is not a header controller", async () => {
    const chips = await listGpioChips(tree("pi5-6.6"));
    expect(chips[0]?.label).not.toBe("pinctrl-rp1");
    expect(chips.length).toBeGreaterThan(4);
    expect((await headerChip(tree("pi5-6.6"))).chip).toBe("gpiochip571");
  });

  it("lists the labels found when none matches", async () => {
    await expect(headerChip(tree("other"))).rejects.toMatchObject({
      code: "gpio-chip-not-found",
      message: expect.stringMatching(/gpio-mockup-A.*tegra-gpio/),
    });
  });

  it("honours configured labels and rejects pins beyond the chip", async () => {
    expect(await headerChip(tree("other"), ["tegra-gpio"])).toMatchObject({ base: 8 });
    const chip = await headerChip(tree("pi4-6.6"));
    expect(() => sysfsNumber(chip, 58)).toThrow(/outside pinctrl-bcm2711/);
  });
});
