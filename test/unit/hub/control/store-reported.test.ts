/* The control store's reported actuator values, also in a file written before they existed. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { CONTROL_SCHEMA_VERSION, openControlStore } from "../../../../hub/control/store";

const V1 = `
CREATE TABLE control_seq (device TEXT NOT NULL, channel TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (device, channel)) WITHOUT ROWID;
CREATE TABLE control_log (n INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL,
  device TEXT NOT NULL, actor TEXT NOT NULL, cmd_id TEXT, command TEXT NOT NULL,
  outcome TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX control_log_device ON control_log (device, n);
PRAGMA user_version = 1;
INSERT INTO control_log (time, device, actor, cmd_id, command, outcome, detail)
  VALUES (1, 'sim-1', 'a@x', 'c1', 'relay=true', 'done', 'now true');
INSERT INTO control_seq VALUES ('sim-1', 'relay', 7);
`;

describe("the control store's reported values", () => {
  it("adds them to an older file, keeping its log, seqs and schema version", () => {
    const path = join(mkdtempSync(join(tmpdir(), "xiot-control-")), "control.sqlite");
    const old = new Database(path);
    old.exec(V1);
    old.close();
    const store = openControlStore(path);
    expect(store.history("sim-1", 10).map((e) => e.command)).toEqual(["relay=true"]);
    const issued = {
      time: 5,
      device: "sim-1",
      actor: "a@x",
      id: "c2",
      command: "relay=false",
      outcome: "issued" as const,
      detail: "chat",
    };
    expect(store.issue(issued, ["relay"])).toEqual(new Map([["relay", 8]]));
    expect(store.reported("sim-1", new Map([["relay", { v: true, t: 10 }]]))).toEqual([]);
    expect(store.reported("sim-1", new Map([["relay", { v: false, t: 20 }]]))).toMatchObject([
      { time: 20, command: "relay=false", outcome: "reported" },
    ]);
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(CONTROL_SCHEMA_VERSION);
    db.close();
    // The last reported value survives a restart: the same value again is no change.
    const again = openControlStore(path);
    expect(again.reported("sim-1", new Map([["relay", { v: false, t: 30 }]]))).toEqual([]);
    again.close();
  });
});
