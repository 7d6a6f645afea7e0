import { describe, expect, it } from "vitest";
import { type DeviceLine, formatDeviceTable } from "../../../cli/commands/devices";
import { formatValues } from "../../../cli/control/latest";

const row: DeviceLine = {
  id: "sim-1",
  model: "xiot-sim",
  state: "registered",
  role: "owner",
  owner: "demo@localhost",
  availability: "online",
  since: "2026-12-02T16:00:00.000Z",
  lastReading: "2026-12-02T16:05:00.000Z",
};

describe("xiot devices' table", () => {
  it("shows the last reading's values with units, on and off for switches", () => {
    const values = [
      { channel: "relay", value: true },
      { channel: "temperature", value: 21.4, unit: "°C" },
    ];
    expect(formatValues(values)).toBe("relay on, temperature 21.4 °C");
    const table = formatDeviceTable([{ ...row, values }]).split("\n");
    expect(table[0]).toMatch(/LAST READING +YOU$/);
    expect(table[1]).toMatch(/ 2026-12-02T16:05:00.000Z {2}relay on, temperature 21.4 °C {2}owner$/);
  });

  it("shows the time alone without values, and never without a reading", () => {
    expect(formatDeviceTable([row]).split("\n")[1]).toMatch(/ 2026-12-02T16:05:00.000Z {2}owner$/);
    expect(formatDeviceTable([{ ...row, lastReading: undefined }]).split("\n")[1]).toMatch(/ never +owner$/);
    expect(formatValues([])).toBe("-");
    expect(formatDeviceTable([])).toBe("No devices.\n");
  });
});
