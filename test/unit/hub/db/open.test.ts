/* Opening every hub store file: a file from a newer hub is refused without being changed (not
 * even switched to WAL), a damaged one is refused at start with a message naming the file, the
 * check that failed and how to recover; `full` runs integrity_check, which sees what quick_check
 * does not.
 * References: hub/db/open.ts, https://sqlite.org/pragma.html#pragma_quick_check,
 * https://sqlite.org/fileformat.html (page 1 header; pages of page_size bytes). */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkStoreFile } from "../../../../hub/db/open";
import { STORE_KINDS } from "./store-files";

const versionOf = (path: string) => {
  const db = new Database(path, { readonly: true });
  const v = {
    user: db.pragma("user_version", { simple: true }),
    journal: db.pragma("journal_mode", { simple: true }),
  };
  db.close();
  return v;
};

/** Overwrites two whole pages (not page 1, whose header SQLite reads first) with garbage. */
function smashTwoPages(path: string): void {
  const db = new Database(path, { readonly: true });
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const pages = db.pragma("page_count", { simple: true }) as number;
  db.close();
  expect(pages).toBeGreaterThan(4);
  const fd = openSync(path, "r+");
  const garbage = Buffer.alloc(pageSize, 0xa5);
  for (const page of [2, 3]) writeSync(fd, garbage, 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
}

describe.each(STORE_KINDS)("the $name store file", (kind) => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `xiot-open-${kind.name}-`));
    path = join(dir, `${kind.name}.sqlite`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a newer schema version and leaves the file byte for byte as it was", async () => {
    await kind.seed(path, 3);
    const db = new Database(path);
    db.pragma("journal_mode = DELETE"); // as a newer hub might leave it
    db.pragma("user_version = 99");
    db.close();
    const before = readFileSync(path);
    await expect(kind.open(path)).rejects.toThrow(/schema version 99.*newer/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(versionOf(path)).toEqual({ user: 99, journal: "delete" });
  });

  it("refuses a file with two pages overwritten, naming the file, the check and the way back", async () => {
    await kind.seed(path, 60);
    smashTwoPages(path);
    const before = readFileSync(path);
    const refusal = kind.open(path);
    await expect(refusal).rejects.toThrow(path);
    await expect(refusal).rejects.toThrow(/quick_check|cannot be read/);
    await expect(refusal).rejects.toThrow(/backup.*\.recover/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("with check=full, refuses an index that no longer matches its table (quick_check passes it)", async () => {
    await kind.seed(path, 20);
    const db = new Database(path);
    db.unsafeMode(true);
    db.pragma("writable_schema = ON");
    db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = ?").run(kind.index.wrong, kind.index.name);
    db.close();
    expect(() => checkStoreFile({ path, label: kind.name, schemaVersion: 1 }, "quick")).not.toThrow();
    await expect(kind.open(path, "full")).rejects.toThrow(/integrity_check.*missing from index/);
  });

  it("opens a sound file and switches it to WAL", async () => {
    await kind.seed(path, 3);
    await kind.open(path, "full");
    expect(versionOf(path)).toMatchObject({ journal: "wal" });
  });
});
