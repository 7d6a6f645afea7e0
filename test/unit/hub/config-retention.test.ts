import { describe, expect, it } from "vitest";
import { hubSchema } from "../../../hub/config";
import { DAY, DEFAULT_RETENTION } from "../../../hub/history/types";

const parse = (history: unknown) => hubSchema.safeParse({ history });

describe("hub config: history.devices.<id>.retention", () => {
  it("gives a device its own tiers and the hub's for the rest", () => {
    const config = hubSchema.parse({
      history: { retention: { raw: "7d" }, devices: { "kitchen-1": { retention: { raw: "90d" } } } },
    });
    expect(config.history.retention).toMatchObject({ raw: 7 * DAY, "1m": DEFAULT_RETENTION["1m"] });
    expect(config.history.retention.devices).toEqual({
      "kitchen-1": { raw: 90 * DAY, "1m": DEFAULT_RETENTION["1m"], "1h": DEFAULT_RETENTION["1h"] },
    });
    expect(hubSchema.parse({}).history.retention.devices).toEqual({});
  });

  it("refuses, naming the key, a device retention that breaks the tiers' order with the hub's", () => {
    const r = parse({ devices: { "kitchen-1": { retention: { raw: "400d" } } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["history", "devices", "kitchen-1", "retention", "1m"]);
    expect(r.error?.issues[0]?.message).toMatch(/at least history\.retention\.raw/);
  });

  it("refuses an unknown tier, a bad duration and a key that is no device id", () => {
    const paths = (history: unknown) => parse(history).error?.issues.map((i) => i.path.join("."));
    expect(paths({ devices: { d1: { retention: { "2m": "1d" } } } })).toEqual([
      "history.devices.d1.retention",
    ]);
    expect(paths({ devices: { d1: { retention: { raw: "soon" } } } })).toEqual([
      "history.devices.d1.retention.raw",
    ]);
    expect(paths({ devices: { "Kitchen 1": { retention: { raw: "1d" } } } })).toEqual([
      "history.devices.Kitchen 1",
    ]);
  });
});
