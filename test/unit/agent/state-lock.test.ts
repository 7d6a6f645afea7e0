/* One agent per state folder (agent/state-lock.ts): the kernel-held lock and the file-only one. */
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireStateLock, LOCK_FILE, lockedMessage, type StateLock } from "../../../agent/state-lock";

let dir: string;
const held: StateLock[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "xiot-lock-"));
});
afterEach(async () => {
  for (const l of held.splice(0)) await l.release();
  await rm(dir, { recursive: true, force: true });
});

async function take(o: Parameters<typeof acquireStateLock>[0]) {
  const r = await acquireStateLock(o);
  if (r.ok) held.push(r.value);
  return r;
}

for (const kernel of [true, false]) {
  describe(`state folder lock (${kernel ? "abstract socket" : "lock file only"})`, () => {
    it("refuses a second holder, naming the first, and frees the folder on release", async () => {
      const first = await take({ dir, kernel });
      expect(first.ok).toBe(true);
      const second = await take({ dir, kernel, pid: 999_999_999 });
      expect(second).toMatchObject({
        ok: false,
        error: { dir, holder: { pid: process.pid, host: hostname() } },
      });
      if (!second.ok) expect(lockedMessage(dir, second.error.holder)).toContain(`pid ${process.pid} (user `);
      if (first.ok) await first.value.release();
      expect((await take({ dir, kernel })).ok).toBe(true);
    });

    it("takes over the lock file of a holder that is gone", async () => {
      const stale = {
        pid: 2 ** 22 + 17,
        user: "pi",
        host: hostname(),
        startedAt: "2026-01-01T00:00:00.000Z",
      };
      await writeFile(join(dir, LOCK_FILE), JSON.stringify(stale));
      const r = await take({ dir, kernel, alive: () => false });
      expect(r.ok).toBe(true);
      expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    });
  });
}

it("is one lock for one folder, whatever path names it", async () => {
  await symlink(dir, `${dir}-link`);
  try {
    expect((await take({ dir, kernel: true })).ok).toBe(true);
    expect((await take({ dir: `${dir}-link`, kernel: true })).ok).toBe(false);
  } finally {
    await rm(`${dir}-link`, { force: true });
  }
});

it("without a kernel lock, a live holder's file is respected", async () => {
  const live = { pid: 4242, user: "pi", host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" };
  await writeFile(join(dir, LOCK_FILE), JSON.stringify(live));
  const r = await take({ dir, kernel: false, alive: (pid) => pid === 4242 });
  expect(r).toMatchObject({ ok: false, error: { holder: live } });
});
