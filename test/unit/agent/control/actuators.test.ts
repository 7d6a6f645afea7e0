import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { OpenChannel } from "../../../../agent/channels";
import { Actuators } from "../../../../agent/control/actuators";
import { createAuthority } from "../../../../agent/control/authority";
import { SeenCommands } from "../../../../agent/control/seen";
import { findDefinition } from "../../../../devices";
import { simulatedRelay } from "../../../../devices/simulated/drivers";
import type { ActuatorChannel, ActuatorDriver } from "../../../../devices/types";
import { silentLogger } from "../../../../shared/log";
import { type ManualClock, manualClock } from "../../../helpers/devices/clock";

const relayChannel: ActuatorChannel = {
  role: "actuator",
  name: "relay",
  kind: "switch",
  valueType: "boolean",
  safeState: false,
};
const dimmer: ActuatorChannel = {
  role: "actuator",
  name: "dim",
  kind: "level",
  valueType: "number",
  safeState: 0,
  range: { min: 0, max: 100 },
};

/** A numeric output for the level channel (the simulated relay takes booleans only). */
function level(clock: ManualClock): ActuatorDriver {
  let value = 0;
  return {
    acquisition: "actuator",
    async set(v) {
      value = Number(v);
      return { value, t: clock.now() };
    },
    read: async () => ({ relay: { value, t: clock.now() } }),
    close: async () => undefined,
  };
}

async function setup(dir = mkdtempSync(join(tmpdir(), "xiot-act-")), hubNow = () => 1_000_000) {
  const clock = manualClock(500_000);
  const open = (channel: ActuatorChannel): OpenChannel => ({
    key: channel.name,
    config: {} as OpenChannel["config"],
    definition: findDefinition("sim-relay") as OpenChannel["definition"],
    options: {},
    channels: [channel],
    names: new Map([["relay", channel.name]]),
    driver:
      channel.valueType === "boolean"
        ? simulatedRelay("relay", { initial: false, delayMs: 0 }, clock)
        : level(clock),
  });
  const seen = await SeenCommands.open(dir, hubNow());
  const changes: string[] = [];
  const actuators = new Actuators({
    actuators: [relayChannel, dimmer].map((channel) => ({ channel, open: open(channel) })),
    stateDir: dir,
    seen,
    hubNow,
    log: silentLogger(),
    onChange: (_o, name, sample) => changes.push(`${name}=${sample.value}`),
  });
  const log = () =>
    readFileSync(join(dir, "actuators.jsonl"), { encoding: "utf8", flag: "a+" })
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  return { dir, seen, actuators, changes, log };
}

const origin = { from: "op@x", via: "xep-0325" as const };

describe("actuators", () => {
  it("applies a set, reports the change and logs it", async () => {
    const { actuators, changes, log } = await setup();
    expect(await actuators.apply([{ channel: "relay", value: true }], origin)).toEqual({
      ok: true,
      applied: [{ channel: "relay", value: true }],
    });
    expect(changes).toEqual(["relay=true"]);
    expect(log()).toEqual([{ t: 500_000, channel: "relay", value: true, from: "op@x", via: "xep-0325" }]);
  });

  it("says who moved each actuator last, by which path and command, for the state item", async () => {
    const { actuators } = await setup();
    expect(actuators.origins()).toEqual({});
    await actuators.apply([{ channel: "relay", value: true }], { from: "alice@x", via: "chat" });
    const cmd = { id: "c-1", issued: 1_000_000, ttl: 8000 };
    await actuators.apply([{ channel: "dim", value: 40 }], { from: "hub.x", via: "xep-0325", cmd });
    expect(actuators.origins()).toEqual({
      relay: { by: "alice@x", via: "chat" },
      dim: { by: "hub.x", via: "xep-0325", cmd: "c-1" },
    });
    await actuators.safeState();
    expect(actuators.origins().relay).toEqual({ by: "agent", via: "safe-state" });
  });

  it("checks every parameter before anything moves", async () => {
    const { actuators, changes } = await setup();
    const r = await actuators.apply(
      [
        { channel: "relay", value: true },
        { channel: "nope", value: 1 },
      ],
      origin,
    );
    expect(r).toEqual({ ok: false, error: "unknown-field", field: "nope", message: 'unknown field "nope"' });
    expect(await actuators.apply([{ channel: "relay", value: 1 }], origin)).toMatchObject({
      error: "bad-value",
      field: "relay",
    });
    expect(await actuators.apply([{ channel: "dim", value: 101 }], origin)).toMatchObject({
      message: "dim: must be within 0..100",
    });
    expect(changes).toEqual([]);
  });

  it("deduplicates ids, refuses expired commands and a lower seq; ids survive a reopen", async () => {
    const s = await setup();
    const cmd = { id: "c1", issued: 999_000, ttl: 5000, seq: 7 };
    expect(await s.actuators.apply([{ channel: "relay", value: true }], { ...origin, cmd })).toMatchObject({
      ok: true,
    });
    expect(await s.actuators.apply([{ channel: "relay", value: true }], { ...origin, cmd })).toEqual({
      ok: true,
      applied: [],
      ignored: "duplicate",
    });
    const lower = { id: "c2", issued: 999_000, ttl: 5000, seq: 6 };
    expect(
      await s.actuators.apply([{ channel: "relay", value: false }], { ...origin, cmd: lower }),
    ).toMatchObject({ ok: false, error: "stale-seq", field: "relay" });
    const old = { id: "c3", issued: 990_000, ttl: 9_999 };
    expect(
      await s.actuators.apply([{ channel: "relay", value: false }], { ...origin, cmd: old }),
    ).toMatchObject({ ok: false, error: "expired" });
    expect(s.changes).toEqual(["relay=true"]);
    s.seen.close();
    const again = await setup(s.dir);
    // Known, not applied again; the relay is off now, not as c1 asked: so not "done" either.
    expect(
      await again.actuators.apply([{ channel: "relay", value: true }], { ...origin, cmd }),
    ).toMatchObject({ ok: false, error: "conflict" });
    expect(again.changes).toEqual([]);
    expect(
      await again.actuators.apply([{ channel: "relay", value: false }], {
        ...origin,
        cmd: { ...lower, id: "c4" },
      }),
    ).toMatchObject({ ok: false, error: "stale-seq" });
  });

  it("moves nothing when recording the id took the command past its deadline", async () => {
    const hub = { now: 1_000_000 };
    const { actuators, seen, log, changes } = await setup(undefined, () => hub.now);
    const add = seen.add.bind(seen);
    seen.add = (...args: Parameters<typeof seen.add>) => {
      add(...args);
      hub.now += 10_000; // a slow fsync: the deadline passes while the id is recorded
    };
    const cmd = { id: "slow-1", issued: 1_000_000, ttl: 5_000 };
    expect(await actuators.apply([{ channel: "relay", value: true }], { ...origin, cmd })).toMatchObject({
      ok: false,
      error: "expired",
    });
    expect(log()).toEqual([]);
    expect(changes).toEqual([]);
  });

  it("forgets ids long expired when it reopens", async () => {
    const s = await setup();
    await s.actuators.apply([{ channel: "relay", value: true }], {
      ...origin,
      cmd: { id: "old", issued: 999_000, ttl: 1000 },
    });
    s.seen.close();
    const later = await SeenCommands.open(s.dir, 1_000_000 + 3_600_000);
    expect(later.has("op@x", "old")).toBe(false);
    later.close();
  });

  it("puts every actuator into its safe state", async () => {
    const { actuators, changes, log } = await setup();
    await actuators.apply([{ channel: "relay", value: true }], origin);
    await actuators.safeState();
    expect(changes).toEqual(["relay=true", "relay=false", "dim=0"]);
    expect(log().at(-2)).toMatchObject({
      channel: "relay",
      value: false,
      previous: true,
      via: "safe-state",
      from: "agent",
    });
  });
});

describe("authority", () => {
  it("allows the configured bare JIDs and the hub, by the bare part of the outer from", async () => {
    const allowed = createAuthority({ allow: ["Owner@Example.org"], hub: "hub.example.org" });
    expect(await allowed.mayControl("owner@example.org/phone")).toBe(true);
    expect(await allowed.mayRead("hub.example.org")).toBe(true);
    expect(await allowed.mayControl("other@example.org/owner@example.org")).toBe(false);
    expect(await allowed.mayRead(undefined)).toBe(false);
    expect(await allowed.mayRead("")).toBe(false);
  });
});
