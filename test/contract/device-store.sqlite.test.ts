import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openSqliteDeviceStore } from "../../hub/devices/sqlite";
import { DEVICE_SCHEMA_VERSION, DeviceSchemaVersionError } from "../../hub/devices/sqlite-schema";
import { device, deviceStoreContract } from "./device-store.contract";

let dir: string | undefined;

deviceStoreContract("sqlite", {
  async open() {
    dir = await mkdtemp(join(tmpdir(), "xiot-devices-"));
    return openSqliteDeviceStore({ path: join(dir, "devices.sqlite") });
  },
  async reopen(store) {
    await store.close();
    return openSqliteDeviceStore({ path: join(dir as string, "devices.sqlite") });
  },
  async cleanup() {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  },
});

describe("sqlite device store file", () => {
  it("uses WAL, synchronous FULL and a versioned schema", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "xiot-devices-")), "d.sqlite");
    const store = openSqliteDeviceStore({ path });
    await store.createDevice(device("d1"));
    await store.close();
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(DEVICE_SCHEMA_VERSION);
    db.pragma("user_version = 99");
    db.close();
    expect(() => openSqliteDeviceStore({ path })).toThrow(DeviceSchemaVersionError);
  });

  it("a write is committed by the time it resolves", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "xiot-devices-")), "d.sqlite");
    const store = openSqliteDeviceStore({ path, commitWindowMs: 5 });
    await store.createDevice(device("d1"));
    // A second connection sees only committed data.
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare("SELECT id FROM devices").all()).toEqual([{ id: "d1" }]);
    reader.close();
    await store.close();
  });
});
