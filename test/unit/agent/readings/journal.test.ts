import { appendFileSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { journalledDocuments, OpenJournal } from "../../../../agent/readings/journal";
import { silentLogger } from "../../../../shared/log";

const reading = (t: number) => ({ c: "temperature", t, v: 20 + t / 1000 });

describe("open document journal", () => {
  it("gives back, oldest boot and seq first, every document not marked done", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "xiot-journal-")), "open");
    const journal = new OpenJournal(dir, silentLogger());
    journal.add("10.aaaaaa", 3, "sync", reading(1));
    journal.add("10.aaaaaa", 3, "sync", reading(2));
    journal.add("10.aaaaaa", 4, "unsync", reading(3));
    journal.add("9.bbbbbb", 7, "sync", reading(0));
    journal.add("10.aaaaaa", 5, "sync", reading(4));
    journal.done("10.aaaaaa", 5);
    journal.close();
    expect(journalledDocuments(dir, "d1")).toEqual([
      { v: 1, dev: "d1", boot: "9.bbbbbb", seq: 7, clk: "sync", r: [reading(0)] },
      { v: 1, dev: "d1", boot: "10.aaaaaa", seq: 3, clk: "sync", r: [reading(1), reading(2)] },
      { v: 1, dev: "d1", boot: "10.aaaaaa", seq: 4, clk: "unsync", r: [reading(3)] },
    ]);
    for (const d of journalledDocuments(dir, "d1")) journal.done(d.boot, d.seq);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("ignores a line a kill cut short and a line that is not a reading", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "xiot-journal-")), "open");
    const journal = new OpenJournal(dir, silentLogger());
    journal.add("2.cccccc", 0, "sync", reading(1));
    journal.close();
    appendFileSync(join(dir, "2.cccccc-0.jsonl"), '{"k":"sync","r":{"c":"x","t":2}}\n{"k":"sy');
    appendFileSync(join(dir, "notes.txt"), "not a journal");
    expect(journalledDocuments(dir, "d1")).toEqual([
      { v: 1, dev: "d1", boot: "2.cccccc", seq: 0, clk: "sync", r: [reading(1)] },
    ]);
    expect(existsSync(join(dir, "notes.txt"))).toBe(true);
  });

  it("finds nothing when the folder does not exist", () => {
    expect(journalledDocuments(join(tmpdir(), "xiot-no-such-journal"), "d1")).toEqual([]);
  });
});
