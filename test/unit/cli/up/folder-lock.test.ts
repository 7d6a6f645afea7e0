/* One `xiot up`/`xiot server` per folder (cli/up/folder-lock.ts): the refusal names the holder and
 * how to reach it; a holder that is gone is taken over. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENT_STATE_LOCK, acquireStateLock } from "../../../../agent/state-lock";
import {
  clockTime,
  FOLDER_LOCK,
  FolderInUseError,
  inUseMessage,
  lockFolder,
} from "../../../../cli/up/folder-lock";
import { silentLogger } from "../../../../shared/log";

let dir: string;
const release: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "xiot-folder-lock-"));
});
afterEach(async () => {
  for (const r of release.splice(0)) await r();
  await rm(dir, { recursive: true, force: true });
});

const log = silentLogger();

describe("lockFolder", () => {
  it("refuses a second start, naming the first and, once it is up, how to reach it", async () => {
    const first = await lockFolder({ dir, shown: ".xiot", command: "xiot up", log });
    release.push(() => first.release());
    const second = lockFolder({ dir, shown: ".xiot", command: "xiot up", log });
    await expect(second).rejects.toBeInstanceOf(FolderInUseError);
    await expect(second).rejects.toThrow(
      new RegExp(
        `^\\.xiot is in use by xiot up \\(pid ${process.pid}, started \\d\\d:\\d\\d\\): still starting;`,
      ),
    );
    await first.describe({
      command: "xiot up",
      dashboard: "http://127.0.0.1:8080/",
      chat: "sim-1@localhost/agent",
    });
    const error = await lockFolder({ dir, command: "xiot up", log }).catch((e: FolderInUseError) => e);
    expect(error).toBeInstanceOf(FolderInUseError);
    expect((error as FolderInUseError).message).toContain(
      `: dashboard http://127.0.0.1:8080/, chat to sim-1@localhost/agent; stop it with Ctrl-C in its terminal or kill ${process.pid}`,
    );
    expect(JSON.parse(await readFile(join(dir, FOLDER_LOCK.file), "utf8"))).toMatchObject({
      pid: process.pid,
      details: { command: "xiot up", dashboard: "http://127.0.0.1:8080/" },
    });
  });

  it("frees the folder on release, and the lock file goes with it", async () => {
    const first = await lockFolder({ dir, command: "xiot server", log });
    await first.release();
    await expect(readFile(join(dir, FOLDER_LOCK.file), "utf8")).rejects.toMatchObject({ code: "ENOENT" });
    const again = await lockFolder({ dir, command: "xiot server", log });
    release.push(() => again.release());
    expect(again.holder.pid).toBe(process.pid);
  });

  it("takes over the file of a holder that is gone (the kernel released its lock)", async () => {
    const gone = { pid: 2 ** 22 + 5, user: "pi", host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" };
    await writeFile(
      join(dir, FOLDER_LOCK.file),
      JSON.stringify({ ...gone, details: { command: "xiot up" } }),
    );
    const lock = await lockFolder({ dir, command: "xiot up", log });
    release.push(() => lock.release());
    expect(JSON.parse(await readFile(join(dir, FOLDER_LOCK.file), "utf8"))).toMatchObject({
      pid: process.pid,
      details: { command: "xiot up" },
    });
  });

  it("is a lock of its own: an agent's state lock on the same folder does not block it", async () => {
    const agent = await acquireStateLock({ dir, kind: AGENT_STATE_LOCK });
    expect(agent.ok).toBe(true);
    if (agent.ok) release.push(() => agent.value.release());
    const folder = await lockFolder({ dir, command: "xiot up", log });
    release.push(() => folder.release());
    expect(folder.holder.details).toEqual({ command: "xiot up" });
  });
});

describe("without a kernel lock (file only)", () => {
  it("describe() rewrites the file while it is ours, and a live holder's file is respected", async () => {
    const first = await acquireStateLock({
      dir,
      kernel: false,
      kind: FOLDER_LOCK,
      details: { command: "xiot up" },
    });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    release.push(() => first.value.release());
    await first.value.describe({ command: "xiot up", c2s: "xmpp://127.0.0.1:5222" });
    const second = await acquireStateLock({ dir, kernel: false, kind: FOLDER_LOCK, pid: 999_999_999 });
    expect(second).toMatchObject({
      ok: false,
      error: { holder: { pid: process.pid, details: { c2s: "xmpp://127.0.0.1:5222" } } },
    });
  });
});

describe("inUseMessage", () => {
  const now = new Date(2026, 2, 1, 17, 5);
  const holder = {
    pid: 1234,
    user: "pi",
    host: "board",
    startedAt: new Date(2026, 2, 1, 16, 40).toISOString(),
  };

  it("names the command, pid, start time, how to reach it and how to stop it", () => {
    expect(
      inUseMessage(
        ".xiot",
        {
          ...holder,
          details: { command: "xiot up", dashboard: "http://127.0.0.1:8080/", chat: "sim-1@localhost/agent" },
        },
        now,
      ),
    ).toBe(
      ".xiot is in use by xiot up (pid 1234, started 16:40): dashboard http://127.0.0.1:8080/, " +
        "chat to sim-1@localhost/agent; stop it with Ctrl-C in its terminal or kill 1234",
    );
  });

  it("a server without a dashboard is reached at its client address", () => {
    expect(
      inUseMessage(
        "srv",
        { ...holder, details: { command: "xiot server", c2s: "xmpp://127.0.0.1:5222" } },
        now,
      ),
    ).toBe(
      "srv is in use by xiot server (pid 1234, started 16:40): clients connect to xmpp://127.0.0.1:5222; " +
        "stop it with Ctrl-C in its terminal or kill 1234",
    );
  });

  it("says so when the holder has not written its details yet", () => {
    expect(inUseMessage(".xiot", undefined, now)).toContain("has not written xiot.lock yet");
    expect(inUseMessage(".xiot", holder, now)).toContain(
      "another xiot process (pid 1234, started 16:40): still starting",
    );
  });

  it("clockTime gives the date when the start was not today, and unreadable text as it is", () => {
    expect(clockTime(new Date(2026, 1, 27, 9, 3).toISOString(), now)).toBe("2026-02-27 09:03");
    expect(clockTime("yesterday", now)).toBe("yesterday");
  });
});
