/* The person's commands against a whole `xiot up` stack: they log in as its demo user (`--as admin`
 * picks the admin), print only their result unless --log.level asks for more, and `xiot devices`
 * shows the last reading's values with their units.
 * References: docs/design.md §2 (readings document, units in meta), §5 (xiot up). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeviceLine } from "../../cli/commands/devices";
import { type CliProcess, runXiot } from "../helpers/cli";
import { startStack } from "./stack";

const lines = (list: { text: string }[]) => list.map((l) => l.text);

describe("xiot get, set and devices on a stack", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-cli-stack-"));
  let up: CliProcess;

  beforeAll(async () => {
    ({ proc: up } = await startStack(dir));
  });
  afterAll(async () => {
    await up?.stop("SIGINT");
    rmSync(dir, { recursive: true, force: true });
  });

  it("xiot get prints only the value; --log.level info adds the log lines", async () => {
    const get = runXiot(["get", "sim-1", "temperature", "--dir", dir]);
    expect((await get.exited).code).toBe(0);
    expect(lines(get.stdout)).toHaveLength(1);
    expect(lines(get.stdout)[0]).toMatch(/^sim-1 temperature: -?\d+(\.\d+)?( °C)?$/);
    expect(lines(get.stderr)).toEqual([]);

    const loud = runXiot(["get", "sim-1", "temperature", "--dir", dir, "--log.level", "info"]);
    expect((await loud.exited).code).toBe(0);
    expect(lines(loud.stdout)).toHaveLength(1);
    expect(lines(loud.stderr).join("\n")).toContain("client demo@localhost: online");
  });

  it("xiot set prints only the outcome", async () => {
    const set = runXiot(["set", "sim-1", "relay", "on", "--dir", dir]);
    expect((await set.exited).code).toBe(0);
    expect(lines(set.stdout)).toHaveLength(1);
    expect(lines(set.stderr)).toEqual([]);
  });

  it("xiot devices logs in as the demo user, and shows the last values with units", async () => {
    const proc = runXiot(["devices", "--dir", dir, "--json"]);
    const { devices } = await proc.ready<{ devices: DeviceLine[] }>(10_000);
    const sim = devices.find((d) => d.id === "sim-1");
    expect(sim).toMatchObject({ owner: "demo@localhost", role: "owner" });
    expect(sim?.values).toContainEqual({ channel: "temperature", value: expect.any(Number), unit: "°C" });
    expect(lines(proc.stderr)).toEqual([]);

    const table = runXiot(["devices", "--dir", dir]);
    expect((await table.exited).code).toBe(0);
    expect(lines(table.stdout).join("\n")).toMatch(/sim-1 .*temperature -?\d+(\.\d+)? °C.* owner$/m);
  });

  it("xiot devices --as admin logs in as the stack's admin", async () => {
    const proc = runXiot(["devices", "--dir", dir, "--as", "admin", "--json"]);
    const { devices } = await proc.ready<{ devices: DeviceLine[] }>(10_000);
    expect(devices.find((d) => d.id === "sim-1")?.role).toBe("admin");
  });
});
