import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BOOT_SLOTS,
  BootCounterError,
  formatCounterRecord,
  nextBootId,
  parseCounterRecord,
  SequenceCounter,
} from "../../../../agent/readings/boot-id";
import { isBootId } from "../../../../shared/model";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "xiot-ids-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("boot counter record", () => {
  it("round-trips and rejects torn or altered records", () => {
    const rec = formatCounterRecord(1234);
    expect(parseCounterRecord(rec)).toBe(1234);
    for (let cut = 0; cut < rec.length; cut++) expect(parseCounterRecord(rec.slice(0, cut))).toBeUndefined();
    expect(parseCounterRecord(rec.replace("1234", "1235"))).toBeUndefined();
    expect(parseCounterRecord("")).toBeUndefined();
  });
});

describe("nextBootId", () => {
  it("starts at 0 and strictly increases across boots, alternating slots", async () => {
    const counters: number[] = [];
    for (let i = 0; i < 5; i++) counters.push((await nextBootId({ stateDir: dir })).counter);
    expect(counters).toEqual([0, 1, 2, 3, 4]);
    expect(parseCounterRecord(await readFile(join(dir, BOOT_SLOTS[0]), "utf8"))).toBe(4);
    expect(parseCounterRecord(await readFile(join(dir, BOOT_SLOTS[1]), "utf8"))).toBe(3);
  });

  it("creates both slots at the first boot and afterwards only overwrites them in place", async () => {
    await nextBootId({ stateDir: dir });
    const inodes = async () => Promise.all(BOOT_SLOTS.map(async (s) => (await stat(join(dir, s))).ino));
    const first = await inodes();
    for (let i = 0; i < 12; i++) await nextBootId({ stateDir: dir }); // 10 → two digits, a longer record
    expect(await inodes()).toEqual(first); // no new file: a full disk does not stop a boot
    const values = await Promise.all(
      BOOT_SLOTS.map(async (s) => parseCounterRecord(await readFile(join(dir, s), "utf8"))),
    );
    expect(values.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([11, 12]);
  });

  it("builds `<counter>.<6 random chars>` ids that are valid boot ids", async () => {
    const a = await nextBootId({ stateDir: dir, random: () => new Uint8Array([0, 1, 2, 3, 4, 31]) });
    expect(a.id).toBe("0.abcde7");
    expect(isBootId(a.id)).toBe(true);
    const b = await nextBootId({ stateDir: dir });
    expect(b.id).toMatch(/^1\.[a-z2-7]{6}$/);
  });

  it("survives a torn or emptied newest slot by taking the other one", async () => {
    for (let i = 0; i < 4; i++) await nextBootId({ stateDir: dir }); // slot0 = 2, slot1 = 3
    await writeFile(join(dir, BOOT_SLOTS[1]), "xiot-boot 3 ab");
    expect((await nextBootId({ stateDir: dir })).counter).toBe(3);
    await writeFile(join(dir, BOOT_SLOTS[0]), "");
    // slot1 now holds 3 again (rewritten), slot0 is empty: the counter still moves forward.
    expect((await nextBootId({ stateDir: dir })).counter).toBe(4);
  });

  it("ignores and removes a temporary file left by a crash mid-write", async () => {
    await nextBootId({ stateDir: dir });
    const tmp = join(dir, `.${BOOT_SLOTS[1]}.4242.tmp`);
    await writeFile(tmp, "xiot-boot 9");
    expect((await nextBootId({ stateDir: dir })).counter).toBe(1);
    await expect(readFile(tmp)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses to reset silently when every slot is corrupt", async () => {
    await writeFile(join(dir, BOOT_SLOTS[0]), "garbage");
    await writeFile(join(dir, BOOT_SLOTS[1]), "");
    await expect(nextBootId({ stateDir: dir })).rejects.toBeInstanceOf(BootCounterError);
    const reset = await nextBootId({ stateDir: dir, onCorrupt: "reset" });
    expect(reset.counter).toBe(0);
  });
});

describe("SequenceCounter", () => {
  it("counts from 0 (or a given start) without gaps", () => {
    const s = new SequenceCounter();
    expect([s.next(), s.next(), s.peek(), s.next()]).toEqual([0, 1, 2, 2]);
    expect(new SequenceCounter(7).next()).toBe(7);
    expect(() => new SequenceCounter(-1)).toThrow(TypeError);
  });
});
