/* Chat and ad-hoc reads decide access when the answer leaves: a share that ends while a readout
 * waits for the device (or while the snapshot is read) gets no values (docs/design.md §6). */
import { describe, expect, it } from "vitest";
import type { DeviceInfo, DeviceSnapshot } from "../../../../hub/control/device-info";
import type { Role } from "../../../../hub/control/lifecycle";
import { createQueries } from "../../../../hub/control/queries";
import type { ControlStore } from "../../../../hub/control/store";

function rig() {
  let role: Role = "read";
  let revokeDuring: (() => void) | undefined;
  const snapshot: DeviceSnapshot = {
    meta: undefined,
    state: { t: 1, actuators: new Map([["relay", { v: true, t: 1 }]]) },
    stateAt: 1,
    readings: new Map([["temperature", { c: "temperature", v: 20, t: 1 }]]),
  } as DeviceSnapshot;
  const queries = createQueries({
    devices: { exists: async () => true, roleOf: async () => role, audit: async () => [] },
    availability: () => ({ availability: "online" }),
    info: {
      snapshot: async () => {
        revokeDuring?.();
        return snapshot;
      },
    } as unknown as DeviceInfo,
    readout: {
      read: async (_device, names) => {
        revokeDuring?.();
        return (names ?? []).map((name) => ({ name, value: 21, t: 2 })) as never;
      },
    },
    store: { history: () => [] } as unknown as ControlStore,
  });
  return {
    queries,
    revokeWhileReading() {
      revokeDuring = () => {
        role = "none";
      };
    },
  };
}

describe("queries decide access at send time", () => {
  it("a live read answered after the share ended gives no value", async () => {
    const r = rig();
    expect((await r.queries.read("bob@x", "kitchen", "temperature")).ok).toBe(true);
    r.revokeWhileReading();
    expect(await r.queries.read("bob@x", "kitchen", "temperature")).toEqual({
      ok: false,
      reason: "no device kitchen that you can see",
    });
  });

  it("a status whose snapshot came in after the share ended gives no values", async () => {
    const r = rig();
    expect((await r.queries.status("bob@x", "kitchen")).ok).toBe(true);
    r.revokeWhileReading();
    expect(await r.queries.status("bob@x", "kitchen")).toEqual({
      ok: false,
      reason: "no device kitchen that you can see",
    });
  });
});
