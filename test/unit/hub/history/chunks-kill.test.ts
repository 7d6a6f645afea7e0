import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { openChunkedHistory } from "../../../../hub/history/sqlite-chunks";
import { DEFAULT_RETENTION, HOUR } from "../../../../hub/history/types";

it("loses nothing acknowledged when the process is killed (SIGKILL) mid-write", async () => {
  const dir = await mkdtemp(join(tmpdir(), "xiot-chunks-kill-"));
  const file = join(dir, "history.db");
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "chunks-kill-child.ts"), file], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let acked = -1;
  let buffer = "";
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) acked = Number(line.slice(4));
      if (acked >= 600 && child.exitCode === null && !child.killed) {
        child.kill("SIGKILL");
        resolve();
      }
    });
  });
  await new Promise((resolve) => child.once("exit", resolve));
  const db = new Database(file);
  const history = openChunkedHistory(db, DEFAULT_RETENTION, { windowMs: HOUR, sealLagMs: 0 });
  const t0 = Date.UTC(2026, 10, 1);
  const page = history.query({ device: "d1", channel: "t", from: t0, to: t0 + 1e9, tier: "raw", limit: 1e6 });
  const times = new Set(page.tier === "raw" ? page.points.map((p) => p.t) : []);
  for (let n = 0; n <= acked; n++) expect(times.has(t0 + n * 60_000)).toBe(true);
  db.close();
  await rm(dir, { recursive: true, force: true });
}, 60_000);
