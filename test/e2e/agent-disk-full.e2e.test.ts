/* A full disk under the agent's outbox, with real processes: the outbox lives on a small tmpfs that
 * the test fills up while the agent runs, then frees. Documents the disk refused are counted in a
 * `gap` carried by the next stored one, so hub-stored readings + gap counts = generated readings.
 * The tmpfs is mounted on <state.dir>/outbox, so the debug.recordReadings files (the oracle) stay
 * writable on the other disk. Needs root to mount the tmpfs (CI runs as root). */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFileOutboxStore } from "../../agent/outbox/file";
import { readingsNode } from "../../shared/model";
import { appended, batched, decodeItem, eventually, fetchAllItems, runAgent } from "../helpers/agent/e2e";
import { startServer, type TestServer } from "./server";

const FAST = [
  "--batch.maxDelayMs",
  "150",
  "--batch.maxReadings",
  "5",
  "--channels.temperature.intervalMs",
  "40",
];
const NOT_STORED = "readings document not stored; counted in a gap";

/** Writes `path` until the kernel says ENOSPC even for one byte. */
async function fill(path: string): Promise<number> {
  const handle = await open(path, "a");
  let total = 0;
  try {
    for (let chunk = 256 * 1024; chunk >= 1; chunk = Math.floor(chunk / 4)) {
      const buf = Buffer.alloc(chunk, 0x5a);
      for (;;) {
        try {
          const { bytesWritten } = await handle.write(buf);
          total += bytesWritten;
          if (bytesWritten < chunk) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
          break;
        }
      }
    }
  } finally {
    await handle.close();
  }
  return total;
}

describe("xiot agent on a full disk", () => {
  let server: TestServer;
  let stateDir = "";
  let outboxDir = "";
  let agent: ReturnType<typeof runAgent> | undefined;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("this test mounts a tmpfs: run it as root (CI does)");
    stateDir = mkdtempSync(join(tmpdir(), "xiot-agent-full-"));
    outboxDir = join(stateDir, "outbox");
    mkdirSync(outboxDir);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", outboxDir]);
    server = await startServer();
    await server.hub();
  });
  afterAll(async () => {
    await agent?.proc.stop("SIGKILL"); // a failed assertion leaves it running, the tmpfs busy
    await server?.stop();
    if (outboxDir !== "") execFileSync("umount", [outboxDir]);
    if (stateDir !== "") rmSync(stateDir, { recursive: true, force: true });
  });

  it("counts every reading the full disk refused in a gap: stored + gaps = generated", async () => {
    const device = await server.register(`agent-full-${process.pid}`);
    const watcher = await server.register();
    const run = runAgent({ server, account: device, stateDir, allow: [watcher.jid], extra: FAST });
    agent = run;
    await run.proc.ready(30_000);
    await eventually(() => appended(stateDir).length >= 3, 30_000, 100);

    const filler = join(outboxDir, "filler");
    const filled = await fill(filler);
    const since = Date.now();
    const refusals = () => run.proc.stderr.filter((l) => l.at >= since && l.text.includes(NOT_STORED)).length;
    await eventually(() => refusals() >= 5, 30_000, 50);
    await rm(filler);

    const subscriber = await server.client(watcher);
    const node = readingsNode(device.username);
    await eventually(
      async () => (await fetchAllItems(subscriber, "hub.localhost", node)).some((i) => decodeItem(i).gap),
      60_000,
      300,
    );
    expect(await run.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });

    const docs = (await fetchAllItems(subscriber, "hub.localhost", node)).map(decodeItem);
    const stored = docs.reduce((n, d) => n + d.r.length, 0);
    const gaps = docs.reduce((n, d) => n + (d.gap?.n ?? 0), 0);
    const store = await openFileOutboxStore({ dir: outboxDir });
    const left = store.list().reduce((n, r) => n + r.count + (r.gap?.n ?? 0), 0);
    const pending = store.pendingGaps();
    expect(await store.quarantined()).toEqual([]);
    await store.close();
    const generated = batched(stateDir).length;
    const refused = run.proc.stderr.filter((l) => l.text.includes(NOT_STORED)).length;
    console.log(
      `disk full (filler ${filled} bytes): generated ${generated}, stored ${stored}, counted in gaps ${gaps}, ` +
        `left in the outbox ${left}, pending ${JSON.stringify(pending)}, documents refused ${refused}`,
    );
    expect(refused).toBeGreaterThanOrEqual(5);
    expect(gaps).toBeGreaterThan(0);
    expect(pending).toEqual([]);
    expect(stored + gaps + left).toBe(generated);
    // A gap of this boot names documents before the one that carries it, never that one.
    for (const d of docs) if (d.gap && d.gap.boot === undefined) expect(d.gap.to).toBeLessThan(d.seq);
  }, 180_000);
});
