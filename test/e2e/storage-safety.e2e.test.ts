/* Storage safety of the `xiot hub` process with its data folder on a 2 MiB tmpfs, through a real
 * Prosody. A full disk: a publish is answered wait/resource-constraint with nothing stored, the hub
 * keeps running, and accepts publishes again once space returns. A damaged file (two pages
 * overwritten): the hub refuses to start, exit code non-zero, names the file, the failed check and
 * how to recover, never goes online, and leaves the file as it was; `--storage.check full` runs
 * integrity_check. Needs root (mount).
 * References: RFC 6120 §8.3.3.18, hub/db/errors.ts, hub/db/open.ts, https://sqlite.org/pragma.html#pragma_quick_check. */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeItems } from "../../shared/xmpp/pubsub";
import { type CliProcess, runXiot } from "../helpers/cli";
import { create, entry, expectError, HUB, itemIds, publish } from "../helpers/pubsub";
import { startServer, type TestServer } from "./server";

const PAGE = 4096;

function fillDisk(dir: string): () => void {
  const path = join(dir, "filler");
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(PAGE, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return () => rmSync(path);
}

describe("hub storage safety", () => {
  let server: TestServer;
  let data: string;
  let alice: ClientConnection;
  let hub: CliProcess | undefined;
  const hubArgs = (dir = data) => [
    "--hub.allowLocalUsers",
    "--storage.path",
    join(dir, "hub.sqlite"),
    "--pubsub.publishRate",
    "100000",
    "--pubsub.publishBurst",
    "100000",
  ];

  beforeAll(async () => {
    if (process.getuid?.() !== 0)
      throw new Error("this test mounts a tmpfs and needs root (CI runs as root)");
    data = mkdtempSync(join(tmpdir(), "xiot-hubdata-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", data]);
    server = await startServer();
    alice = await server.client(await server.register("alice"));
  });
  afterAll(async () => {
    await server?.stop();
    if (data) {
      execFileSync("umount", ["-l", data]);
      rmSync(data, { recursive: true, force: true });
    }
  });

  it("answers wait/resource-constraint on a full disk, keeps running, and stores again when space returns", async () => {
    hub = await server.hub(hubArgs());
    await create(alice, "readings", { "pubsub#max_items": "max" });
    for (let i = 0; i < 40; i++)
      await publish(alice, "readings", entry(`before-${i}-${"x".repeat(2000)}`), `b${i}`);
    const free = fillDisk(data);
    const big = entry("y".repeat(16_000));
    await expectError(publish(alice, "readings", big, "full-1"), {
      type: "wait",
      condition: "resource-constraint",
    });
    await expectError(create(alice, "another"), { type: "wait", condition: "resource-constraint" });
    expect(hub.child.exitCode).toBeNull();
    free();
    const items = async () => itemIds(await alice.request(makeItems(HUB, "readings")));
    expect(await items()).not.toContain("full-1"); // nothing half-written
    expect(await publish(alice, "readings", big, "full-1")).toBe("full-1");
    expect(await items()).toContain("full-1");
    expect(hub.child.exitCode).toBeNull();
    await hub.stop();
  });

  it("refuses to start on a file with two pages overwritten, and says how to recover", async () => {
    if (hub?.child.exitCode === null) await hub.stop(); // the first test's hub, if it failed midway
    const own = mkdtempSync(join(tmpdir(), "xiot-hubcorrupt-"));
    const file = join(own, "hub.sqlite");
    const first = await server.hub(hubArgs(own));
    await create(alice, "corrupt", { "pubsub#max_items": "max" });
    for (let i = 0; i < 20; i++) await publish(alice, "corrupt", entry(`${i}-${"x".repeat(2000)}`), `c${i}`);
    await first.stop(); // a clean stop checkpoints the WAL into the file
    const fd = openSync(file, "r+");
    for (const page of [2, 3]) writeSync(fd, Buffer.alloc(PAGE, 0xa5), 0, PAGE, (page - 1) * PAGE);
    closeSync(fd);
    const before = readFileSync(file);
    for (const [check, pragma] of [
      ["quick", "quick_check"],
      ["full", "integrity_check"],
    ] as const) {
      const proc = runXiot([
        "hub",
        "--dir",
        join(server.dir, "hub"),
        "--server-dir",
        server.dir,
        ...hubArgs(own),
        "--storage.check",
        check,
      ]);
      const outcome = await Promise.race([
        proc.exited.then((e) => ({ exited: e.code })),
        proc.ready(30_000).then(() => ({ exited: "went online" })),
      ]);
      if (outcome.exited === "went online") await proc.stop();
      expect(outcome).toEqual({ exited: 1 });
      const stderr = proc.stderr.map((l) => l.text).join("\n");
      expect(stderr).toContain(file);
      expect(stderr).toMatch(new RegExp(`${pragma}|cannot be read`));
      expect(stderr).toMatch(/backup.*\.recover/);
      expect(readFileSync(file).equals(before)).toBe(true);
    }
    rmSync(own, { recursive: true, force: true });
  });
});
